"""A BERT-base-size encoder forward pass on the CPU, for ``make bench`` (needs torch only).

Run as ``python bench_transformer.py '[turn lengths...]'`` with an interpreter that has
torch; prints one JSON line ``{"turns": n, "seconds": s, "turns_per_s": r, ...}``.
Random weights: the point is the cost of the forward pass, not its output. Each turn
is one sequence of one token per character (as a Chinese BERT tokenizes), plus
[CLS]/[SEP], capped at 128, in batches of 32 padded to the batch's longest turn.
"""

import json
import os
import sys
import time


def main() -> int:
    import torch
    from torch import nn

    torch.manual_seed(0)
    torch.set_num_threads(os.cpu_count() or 1)  # all cores: the comparison favours torch
    lengths = [min(n + 2, 128) for n in json.loads(sys.argv[1])]
    vocab, hidden, layers, heads, ffn = 21128, 768, 12, 12, 3072
    embed = nn.Embedding(vocab, hidden)
    layer = nn.TransformerEncoderLayer(hidden, heads, ffn, batch_first=True, activation="gelu")
    encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False).eval()
    params = sum(p.numel() for p in encoder.parameters()) + embed.weight.numel()
    batches = [lengths[i : i + 32] for i in range(0, len(lengths), 32)]
    with torch.inference_mode():
        encoder(embed(torch.randint(0, vocab, (2, 16))))  # warm-up
        started = time.perf_counter()
        for batch in batches:
            width = max(batch)
            ids = torch.randint(0, vocab, (len(batch), width))
            pad = torch.arange(width)[None, :] >= torch.tensor(batch)[:, None]
            encoder(embed(ids), src_key_padding_mask=pad)
        seconds = time.perf_counter() - started
    print(json.dumps({"turns": len(lengths), "seconds": seconds, "turns_per_s": len(lengths) / seconds,
                      "parameters": params, "torch": torch.__version__, "threads": torch.get_num_threads()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
