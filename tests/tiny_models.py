"""Tiny random-weight Taiyi-shaped pipelines (BERT text encoder + SD UNet/VAE), built from configs."""

from __future__ import annotations

from pathlib import Path

VOCAB_CHARS = "，。！？：；、“”「」的一是了我不人在他有这个上们来到时大地为子中你说生国年着就那和要她出也得里后自以会家可下而过天去能对小多然于心学么之都好看起发当没成只如事把还用第样道想作种开美总从无情己面最女但现前些所同日手又行意动方期它头经长儿回位分爱老因很给名法间斯知世什两次使身者被高已亲其进此话常与活正感兔熊狐狸乌龟松鼠刺猬猫头鹰奶爷妈爸林雨风筝月亮船星森河草花红黄蓝绿白黑衣服裙戴帽围巾背包可爱圆眼睛拟人化儿童绘本插画水彩柔和温暖色彩干净线条低质量模糊变形畸手指文字水印签名恐怖暴力血腥内容"


TINY_UNET = dict(
    sample_size=8, in_channels=4, out_channels=4, layers_per_block=1, block_out_channels=(32, 64),
    down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"), up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"),
    cross_attention_dim=32, attention_head_dim=8, norm_num_groups=32,
)


def write_char_vocab(folder: Path) -> Path:
    """Write a char-level BERT vocab (special tokens + the characters above) and return its path."""
    chars = list(dict.fromkeys(VOCAB_CHARS))
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *chars]
    path = folder / "vocab.txt"
    path.write_text("\n".join(vocab) + "\n", encoding="utf-8")
    return path


def build_tiny_taiyi(folder: Path) -> Path:
    """Save a tiny StableDiffusionPipeline with a BERT text encoder (Taiyi's layout) to `folder`."""
    import torch
    from diffusers import AutoencoderKL, DDIMScheduler, StableDiffusionPipeline, UNet2DConditionModel
    from transformers import BertConfig, BertModel, BertTokenizer, CLIPImageProcessor

    torch.manual_seed(0)
    folder.mkdir(parents=True, exist_ok=True)
    vocab_dir = folder / "_vocab"
    vocab_dir.mkdir(exist_ok=True)
    # transformers 5 ignores vocab_file= (PITFALLS): pass the path positionally; set model_max_length.
    tokenizer = BertTokenizer(str(write_char_vocab(vocab_dir)), model_max_length=32, do_lower_case=False)
    text_encoder = BertModel(
        BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                   intermediate_size=37, max_position_embeddings=64)
    ).eval()
    unet = UNet2DConditionModel(**TINY_UNET)
    vae = AutoencoderKL(
        in_channels=3, out_channels=3, latent_channels=4, block_out_channels=(32, 64),
        down_block_types=("DownEncoderBlock2D", "DownEncoderBlock2D"),
        up_block_types=("UpDecoderBlock2D", "UpDecoderBlock2D"), norm_num_groups=32, sample_size=32,
    )
    scheduler = DDIMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", clip_sample=False,
                              set_alpha_to_one=False, steps_offset=1)
    # The image processor feeds the (tiny, 32 px) IP-Adapter image encoder.
    feature_extractor = CLIPImageProcessor(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32})
    pipe = StableDiffusionPipeline(
        unet=unet, vae=vae, text_encoder=text_encoder, tokenizer=tokenizer, scheduler=scheduler,
        safety_checker=None, feature_extractor=feature_extractor, requires_safety_checker=False,
    )
    pipe.save_pretrained(folder)
    return folder


def build_tiny_ip_adapter(folder: Path, unet_config: dict | None = None) -> Path:
    """Save a tiny IP-Adapter (image projection + cross-attention weights) and CLIP image encoder.

    The layout is a local copy of an adapter repo: ip_adapter.safetensors with `image_proj.*` and
    `ip_adapter.N.to_k_ip/to_v_ip` keys, and image_encoder/ for CLIPVisionModelWithProjection.
    """
    import torch
    from diffusers import UNet2DConditionModel
    from diffusers.models.attention_processor import IPAdapterAttnProcessor
    from diffusers.models.embeddings import ImageProjection
    from safetensors.torch import save_file
    from transformers import CLIPVisionConfig, CLIPVisionModelWithProjection

    torch.manual_seed(1)
    folder.mkdir(parents=True, exist_ok=True)
    unet = UNet2DConditionModel(**(unet_config or TINY_UNET))
    cross = unet.config.cross_attention_dim
    weights, key_id = {}, 1
    # One pair of to_k_ip/to_v_ip per cross-attention layer, numbered 1, 3, 5, … as in the
    # released adapters; self-attention layers (attn1) get none.
    for name in unet.attn_processors:
        if name.endswith("attn1.processor"):
            continue
        if name.startswith("mid_block"):
            hidden = unet.config.block_out_channels[-1]
        elif name.startswith("up_blocks"):
            hidden = list(reversed(unet.config.block_out_channels))[int(name[len("up_blocks.")])]
        else:
            hidden = unet.config.block_out_channels[int(name[len("down_blocks.")])]
        sd = IPAdapterAttnProcessor(hidden_size=hidden, cross_attention_dim=cross, scale=1.0).state_dict()
        weights[f"ip_adapter.{key_id}.to_k_ip.weight"] = sd["to_k_ip.0.weight"]
        weights[f"ip_adapter.{key_id}.to_v_ip.weight"] = sd["to_v_ip.0.weight"]
        key_id += 2
    projection = ImageProjection(cross_attention_dim=cross, image_embed_dim=32, num_image_text_embeds=4).state_dict()
    weights["image_proj.proj.weight"] = projection["image_embeds.weight"]
    weights["image_proj.proj.bias"] = projection["image_embeds.bias"]
    weights["image_proj.norm.weight"] = projection["norm.weight"]
    weights["image_proj.norm.bias"] = projection["norm.bias"]
    save_file({k: v.contiguous() for k, v in weights.items()}, str(folder / "ip_adapter.safetensors"))
    encoder = CLIPVisionModelWithProjection(
        CLIPVisionConfig(hidden_size=32, projection_dim=32, num_hidden_layers=2, num_attention_heads=2,
                         intermediate_size=37, image_size=32, patch_size=8)
    ).eval()
    encoder.save_pretrained(folder / "image_encoder")
    return folder
