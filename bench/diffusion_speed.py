"""Pages per second of huiben's diffusion renderer against a naive per-page diffusers loop.

A Taiyi-shaped pipeline is built from configs with random weights (SD1.4 UNet, BERT-base text
encoder with a Chinese char vocab, SD VAE: the real model's arithmetic), saved, and loaded back
through huiben's loading code. Both sides render the same pages (same prompts, seeds, size, steps,
classifier-free guidance) in the same run; medians of --runs.

    python bench/diffusion_speed.py                    # full size, 512x512, 25 steps (a GPU)
    python bench/diffusion_speed.py --size tiny        # tiny shapes: shows it works on a CPU
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def build_taiyi_shaped(folder: Path, size: str, dtype) -> Path:
    """Save a random-weight StableDiffusionPipeline with Taiyi's component shapes to `folder`."""
    import torch
    from diffusers import AutoencoderKL, DPMSolverMultistepScheduler, StableDiffusionPipeline, UNet2DConditionModel
    from transformers import BertConfig, BertModel, BertTokenizer

    from tiny_models import build_tiny_taiyi, write_char_vocab

    if size == "tiny":
        return build_tiny_taiyi(folder)
    torch.manual_seed(0)
    folder.mkdir(parents=True, exist_ok=True)
    tokenizer = BertTokenizer(str(write_char_vocab(folder)), model_max_length=77, do_lower_case=False)
    text_encoder = BertModel(BertConfig(vocab_size=21128, hidden_size=768, num_hidden_layers=12,
                                        num_attention_heads=12, intermediate_size=3072)).eval()
    unet = UNet2DConditionModel(  # stable-diffusion-v1-4's UNet config
        sample_size=64, in_channels=4, out_channels=4, layers_per_block=2,
        block_out_channels=(320, 640, 1280, 1280), cross_attention_dim=768, attention_head_dim=8,
        down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
        up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
    )
    vae = AutoencoderKL(  # the SD VAE
        in_channels=3, out_channels=3, latent_channels=4, layers_per_block=2, sample_size=512,
        block_out_channels=(128, 256, 512, 512),
        down_block_types=("DownEncoderBlock2D",) * 4, up_block_types=("UpDecoderBlock2D",) * 4,
    )
    scheduler = DPMSolverMultistepScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear")
    pipe = StableDiffusionPipeline(unet=unet, vae=vae, text_encoder=text_encoder, tokenizer=tokenizer,
                                   scheduler=scheduler, safety_checker=None, feature_extractor=None,
                                   requires_safety_checker=False)
    pipe.to(dtype).save_pretrained(folder)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=["full", "tiny"], default="full")
    parser.add_argument("--pages", type=int, default=16)
    parser.add_argument("--steps", type=int, default=25)
    parser.add_argument("--resolution", type=int, default=512)
    parser.add_argument("--batch", type=int, default=8, help="huiben's pages per pipeline call")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    import torch

    from render.diffusion import DiffusionRenderer, pick_device
    from storyboard.build import build_storyboard
    from storyboard.story_text import read_story

    device = pick_device()
    dtype = torch.float16 if device == "cuda" else torch.float32
    res = args.resolution if args.size == "full" else 64
    board = build_storyboard(read_story(ROOT / "samples" / "hedgehog_friends.txt"))
    scenes = (board.scenes * (args.pages // len(board.scenes) + 1))[: args.pages]

    with tempfile.TemporaryDirectory() as tmp:
        folder = build_taiyi_shaped(Path(tmp) / "taiyi-shaped", args.size, dtype)
        renderer = DiffusionRenderer(model=str(folder), steps=args.steps, width=res, height=res, device=device,
                                     batch_size=args.batch, ip_adapter="none")
        jobs = [j.model_copy(update={"prompt": s.prompt, "seed": s.seed, "page": i + 1})
                for i, (j, s) in enumerate(zip(renderer.plan_jobs(board.model_copy(update={"scenes": scenes})), scenes))]

        from diffusers import StableDiffusionPipeline

        naive = StableDiffusionPipeline.from_pretrained(str(folder), dtype=dtype).to(device)
        naive.set_progress_bar_config(disable=True)

        def run_naive() -> None:
            for j in jobs:
                naive(prompt=j.prompt, negative_prompt=j.negative_prompt, num_inference_steps=args.steps,
                      guidance_scale=j.guidance, width=res, height=res,
                      generator=torch.Generator(device).manual_seed(j.seed))

        def run_huiben() -> None:
            for start in range(0, len(jobs), renderer.batch_size):
                renderer.render(jobs[start : start + renderer.batch_size])

        def timed(fn) -> float:
            if device == "cuda":
                torch.cuda.synchronize()
            start = time.perf_counter()
            fn()
            if device == "cuda":
                torch.cuda.synchronize()
            return time.perf_counter() - start

        # Warm-up both sides (model load, kernels, allocator) outside the timings.
        renderer.render(jobs[: renderer.batch_size])
        naive(prompt=jobs[0].prompt, num_inference_steps=2, width=res, height=res)
        naive_t = statistics.median(timed(run_naive) for _ in range(args.runs))
        huiben_t = statistics.median(timed(run_huiben) for _ in range(args.runs))

    name = torch.cuda.get_device_name() if device == "cuda" else "CPU"
    n = len(jobs)
    print(f"device: {name}  size: {args.size}  {res}x{res}  steps: {args.steps}  pages: {n}  CFG: yes")
    print(f"naive per-page loop: {n / naive_t:.3f} pages/s  ({naive_t / n:.3f} s/page)")
    print(f"huiben renderer:     {n / huiben_t:.3f} pages/s  ({huiben_t / n:.3f} s/page, batch {renderer.batch_size})")
    print(f"speed-up: {naive_t / huiben_t:.2f}x  (goal on one H100: >= 3x and <= 0.15 s/page)")


if __name__ == "__main__":
    main()
