#!/usr/bin/env python3
"""Generates the tiny CLIP-shaped ONNX models, test images and golden values the CLIP tests use.

Needs only Debian's python3-onnx, python3-numpy and python3-pil (no onnx.reference, no torch):
every golden value is computed here with numpy, independently of the Java code under test.

    python3 connector/src/test/python/make_tiny_clip.py            # rewrites src/test/resources/clip
    python3 connector/src/test/python/make_tiny_clip.py --vit-b32 DIR
        # a random-weight model with ViT-B/32's shape, transformers.js layout, for the benchmark

Reference code follows OpenAI's CLIP (clip/simple_tokenizer.py and the torchvision transform in
clip/clip.py): NFC + HTML unescaping (twice, Python's html.unescape; OpenAI's vocabulary only, as
Hugging Face's fast tokenizer does not unescape) + lowercase + whitespace clean-up, byte-level BPE,
context 77; resize the
shortest side to 224 with PIL bicubic, centre-crop with Python's round(), scale to [0, 1],
normalise with CLIP's mean and std.
"""
import argparse
import gzip
import html
import html.entities
import json
import pathlib
import unicodedata

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from PIL import Image, ImageDraw

HERE = pathlib.Path(__file__).resolve().parent
CONNECTOR = HERE.parent.parent.parent
OUT = CONNECTOR / "src" / "test" / "resources" / "clip"
VOCAB = CONNECTOR.parent.parent / "shared" / "clip" / "bpe_simple_vocab_16e6.txt.gz"
BUNDLED_VOCAB = CONNECTOR / "src" / "main" / "resources" / "io" / "coreviz" / "spark" / "clip" / "text" / "bpe_simple_vocab_16e6.txt.gz"

CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]
CONTEXT = 77
OPSET = 13

# ---------------------------------------------------------------------------------------------
# Tokenizer reference (OpenAI simple_tokenizer, with the \p{L} / \p{N} classes done by category)


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


def is_letter(c):
    return unicodedata.category(c).startswith("L")


def is_number(c):
    return unicodedata.category(c).startswith("N")


CONTRACTIONS = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d"]
SPECIALS = ["<|startoftext|>", "<|endoftext|>"]


def pre_tokenize(text):
    """The pattern <|startoftext|>|<|endoftext|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+"""
    pieces, i = [], 0
    while i < len(text):
        c = text[i]
        matched = next((s for s in SPECIALS + CONTRACTIONS if text.startswith(s, i)), None)
        if matched:
            pieces.append(matched)
            i += len(matched)
        elif is_letter(c):
            j = i
            while j < len(text) and is_letter(text[j]):
                j += 1
            pieces.append(text[i:j])
            i = j
        elif is_number(c):
            pieces.append(c)
            i += 1
        elif c.isspace():
            i += 1
        else:
            j = i
            while j < len(text) and not (text[j].isspace() or is_letter(text[j]) or is_number(text[j])):
                j += 1
            pieces.append(text[i:j])
            i = j
    return pieces


class Bpe:
    def __init__(self, encoder, merges, unescape_html=False):
        self.encoder = encoder
        self.unescape_html = unescape_html
        self.ranks = {tuple(m): i for i, m in enumerate(merges)}
        self.byte_encoder = bytes_to_unicode()
        self.sot = encoder["<|startoftext|>"]
        self.eot = encoder["<|endoftext|>"]

    def bpe(self, token):
        word = list(token[:-1]) + [token[-1] + "</w>"]
        while len(word) > 1:
            pairs = [(word[k], word[k + 1]) for k in range(len(word) - 1)]
            best = min(pairs, key=lambda p: self.ranks.get(p, float("inf")))
            if best not in self.ranks:
                break
            merged, k = [], 0
            while k < len(word):
                if k < len(word) - 1 and (word[k], word[k + 1]) == best:
                    merged.append(word[k] + word[k + 1])
                    k += 2
                else:
                    merged.append(word[k])
                    k += 1
            word = merged
        return word

    def encode(self, text):
        text = unicodedata.normalize("NFC", text)
        if self.unescape_html:
            text = html.unescape(html.unescape(text))  # OpenAI's basic_clean
        text = " ".join(text.split()).strip().lower()
        ids = []
        for piece in pre_tokenize(text):
            if piece in SPECIALS:
                ids.append(self.encoder[piece])
                continue
            chars = "".join(self.byte_encoder[b] for b in piece.encode("utf-8"))
            ids.extend(self.encoder[t] for t in self.bpe(chars))
        return ids

    def tokenize(self, text):
        """[sot] + ids + [eot], truncated to 77 keeping eot last, padded with 0; and the mask."""
        ids = [self.sot] + self.encode(text)[: CONTEXT - 2] + [self.eot]
        return ids + [0] * (CONTEXT - len(ids)), [1] * len(ids) + [0] * (CONTEXT - len(ids))


def clip_bpe(merge_count=49152 - 256 - 2):
    lines = gzip.open(VOCAB).read().decode("utf-8").split("\n")
    merges = [tuple(m.split()) for m in lines[1 : merge_count + 1]]
    byte_chars = list(bytes_to_unicode().values())
    vocab = byte_chars + [c + "</w>" for c in byte_chars] + ["".join(m) for m in merges] + SPECIALS
    return Bpe({t: i for i, t in enumerate(vocab)}, merges, unescape_html=merge_count == 49152 - 256 - 2)


TEXTS = [
    "a photo of a cat",
    "hello world",
    "A PHOTO of a Dog!",
    "red shoes, blue sky",
    "don't stop: it's 2026 & 42 cats",
    "  tabs\tand\nnewlines   everywhere  ",
    "naïve café déjà vu",
    "東京の夜景",
    "emoji 🐱 and ½ price",
    "<|endoftext|> inside text",
    "a",
    "",
    " ".join(["word"] * 100),
    "&amp; html &lt;b&gt; entities",
    "&amp;amp; is unescaped twice, &amp;amp;amp; not three times",
    "&copy 2026 &notanentity; AT&T &ampere &AMP; &#x1F431; &#128; &#0; &#xD800; &#99999999999;",
    "&lt;|endoftext|&gt; as entities",
]

HTML_ENTITIES = CONNECTOR / "src" / "main" / "resources" / "io" / "coreviz" / "spark" / "clip" / "text" / "html5-entities.tsv"


def write_html_entities():
    """Python's table of HTML5 named character references, for the Java tokenizer's unescaping."""
    lines = ["# HTML5 named character references (WHATWG), from Python's html.entities.html5:",
             "# name (with its ';' where the name has one), then its code points in hex"]
    for name, value in sorted(html.entities.html5.items()):
        lines.append(name + "\t" + " ".join("%x" % ord(c) for c in value))
    HTML_ENTITIES.write_text("\n".join(lines) + "\n", encoding="utf-8")

# ---------------------------------------------------------------------------------------------
# Preprocessing reference (CLIP's torchvision transform on PIL images)


def preprocess(path, mean, std, size=224):
    image = Image.open(path).convert("RGB")
    w, h = image.size
    short, long = (w, h) if w <= h else (h, w)
    new_short, new_long = size, int(size * long / short)
    new_w, new_h = (new_short, new_long) if w <= h else (new_long, new_short)
    if (new_w, new_h) != (w, h):
        image = image.resize((new_w, new_h), Image.BICUBIC)
    top = int(round((new_h - size) / 2.0))
    left = int(round((new_w - size) / 2.0))
    image = image.crop((left, top, left + size, top + size))
    x = np.asarray(image, dtype=np.float32) / np.float32(255.0)
    x = (x - np.array(mean, dtype=np.float32)) / np.array(std, dtype=np.float32)
    return x.transpose(2, 0, 1).astype(np.float32)


def draw_image(seed, size, mode):
    rng = np.random.default_rng(seed)
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w]
    rgb = np.stack(
        [
            (xx * 255 // max(w - 1, 1)),
            (yy * 255 // max(h - 1, 1)),
            ((xx + yy) * 7 + seed * 40) % 256,
        ],
        axis=-1,
    ).astype(np.uint8)
    image = Image.fromarray(rgb, "RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x0, y0 = int(rng.integers(0, w - 10)), int(rng.integers(0, h - 10))
        x1, y1 = x0 + int(rng.integers(5, w // 2)), y0 + int(rng.integers(5, h // 2))
        color = tuple(int(v) for v in rng.integers(0, 256, 3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)([x0, y0, x1, y1], fill=color)
    noise = rng.integers(-12, 13, (h, w, 3))
    image = Image.fromarray(np.clip(np.asarray(image, dtype=np.int32) + noise, 0, 255).astype(np.uint8), "RGB")
    if mode == "L":
        return image.convert("L")
    if mode == "RGBA":
        alpha = Image.fromarray(((xx * 3 + yy) % 256).astype(np.uint8), "L")
        image = image.copy()
        image.putalpha(alpha)
        return image
    if mode == "P":
        return image.quantize(colors=64)
    return image


IMAGES = [
    # name, size, mode, save options
    ("landscape.png", (320, 240), "RGB", {}),
    ("portrait-upscaled.png", (150, 201), "RGB", {}),
    ("gray-odd-crop.png", (257, 300), "L", {}),
    ("alpha.png", (300, 300), "RGBA", {}),
    ("palette.png", (240, 263), "P", {}),
    ("exact.png", (224, 224), "RGB", {}),
    ("lossless.webp", (281, 225), "RGB", {"lossless": True}),
    ("photo.jpg", (300, 260), "RGB", {"quality": 95}),
]

# ---------------------------------------------------------------------------------------------
# Tiny CLIP-shaped models


def tensor(name, array):
    return numpy_helper.from_array(array, name)


def text_tower(prefix, rng, dim, embed, modulus):
    """input_ids [B,77] (+ attention_mask) -> [B,embed]: token + position embeddings, pooled at the
    argmax id (CLIP's end-of-text position) plus a masked sum, so every token, its position and the
    mask change the result."""
    w = {
        "tok": rng.normal(0, 1, (modulus, dim)).astype(np.float32),
        "pos": rng.normal(0, 0.5, (CONTEXT, dim)).astype(np.float32),
        "w1": rng.normal(0, 1 / np.sqrt(dim), (dim, dim)).astype(np.float32),
        "proj": rng.normal(0, 1 / np.sqrt(dim), (dim, embed)).astype(np.float32),
    }
    p = prefix
    inits = [
        tensor(p + "tok", w["tok"]),
        tensor(p + "pos", w["pos"]),
        tensor(p + "w1", w["w1"]),
        tensor(p + "proj", w["proj"]),
        tensor(p + "modulus", np.array(modulus, dtype=np.int64)),
        tensor(p + "axis1", np.array([1], dtype=np.int64)),
        tensor(p + "axis2", np.array([2], dtype=np.int64)),
        tensor(p + "expand", np.array([1, 1, dim], dtype=np.int64)),
        tensor(p + "half", np.array(0.5, dtype=np.float32)),
    ]
    nodes = [
        helper.make_node("Mod", ["input_ids", p + "modulus"], [p + "ids"]),
        helper.make_node("Gather", [p + "tok", p + "ids"], [p + "emb"]),
        helper.make_node("Add", [p + "emb", p + "pos"], [p + "x"]),
        helper.make_node("Cast", ["attention_mask"], [p + "maskf"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", [p + "maskf", p + "axis2"], [p + "mask3"]),
        helper.make_node("Tanh", [p + "x"], [p + "tx"]),
        helper.make_node("Mul", [p + "tx", p + "mask3"], [p + "masked"]),
        helper.make_node("ReduceSum", [p + "masked", p + "axis1"], [p + "ctx"], keepdims=0),
        helper.make_node("Cast", ["input_ids"], [p + "idsf"], to=TensorProto.FLOAT),
        helper.make_node("ArgMax", [p + "idsf"], [p + "eos"], axis=1, keepdims=1),
        helper.make_node("Unsqueeze", [p + "eos", p + "axis2"], [p + "eos3"]),
        helper.make_node("Expand", [p + "eos3", p + "expand"], [p + "eosd"]),
        helper.make_node("GatherElements", [p + "x", p + "eosd"], [p + "pooled3"], axis=1),
        helper.make_node("Squeeze", [p + "pooled3", p + "axis1"], [p + "pooled"]),
        helper.make_node("MatMul", [p + "pooled", p + "w1"], [p + "h1"]),
        helper.make_node("Mul", [p + "ctx", p + "half"], [p + "ctxh"]),
        helper.make_node("Add", [p + "h1", p + "ctxh"], [p + "h2"]),
        helper.make_node("Tanh", [p + "h2"], [p + "h"]),
        helper.make_node("MatMul", [p + "h", p + "proj"], [p + "out"]),
    ]

    def forward(ids, mask):
        ids = np.asarray(ids, dtype=np.int64)
        mask = np.asarray(mask, dtype=np.float32)
        x = w["tok"][ids % modulus] + w["pos"]
        ctx = (np.tanh(x) * mask[:, :, None]).sum(axis=1)
        pooled = x[np.arange(len(ids)), ids.argmax(axis=1)]
        return np.tanh(pooled @ w["w1"] + ctx * np.float32(0.5)) @ w["proj"]

    return nodes, inits, p + "out", forward


def vision_tower(prefix, rng, dim, embed):
    """pixel_values [B,3,224,224] -> [B,embed]: a 32x32/32 patch convolution, a per-patch position
    term and a projection of all 49 patches: sensitive to every pixel's position and channel."""
    w = {
        "conv": rng.normal(0, 1 / np.sqrt(3 * 32 * 32), (dim, 3, 32, 32)).astype(np.float32),
        "bias": rng.normal(0, 0.1, (dim,)).astype(np.float32),
        "pos": rng.normal(0, 0.5, (dim, 49)).astype(np.float32),
        "proj": rng.normal(0, 1 / np.sqrt(dim * 49), (dim * 49, embed)).astype(np.float32),
    }
    p = prefix
    inits = [
        tensor(p + "conv", w["conv"]),
        tensor(p + "bias", w["bias"]),
        tensor(p + "pos", w["pos"]),
        tensor(p + "proj", w["proj"]),
        tensor(p + "shape3", np.array([0, dim, 49], dtype=np.int64)),
        tensor(p + "shape2", np.array([0, dim * 49], dtype=np.int64)),
    ]
    nodes = [
        helper.make_node("Conv", ["pixel_values", p + "conv", p + "bias"], [p + "patches"], kernel_shape=[32, 32], strides=[32, 32]),
        helper.make_node("Reshape", [p + "patches", p + "shape3"], [p + "seq"]),
        helper.make_node("Add", [p + "seq", p + "pos"], [p + "seqp"]),
        helper.make_node("Tanh", [p + "seqp"], [p + "act"]),
        helper.make_node("Reshape", [p + "act", p + "shape2"], [p + "flat"]),
        helper.make_node("MatMul", [p + "flat", p + "proj"], [p + "out"]),
    ]

    def forward(pixels):
        b = pixels.shape[0]
        patches = pixels.reshape(b, 3, 7, 32, 7, 32).transpose(0, 2, 4, 1, 3, 5).reshape(b, 49, 3 * 32 * 32)
        conv = patches @ w["conv"].reshape(dim, -1).T + w["bias"]  # [B,49,dim]
        act = np.tanh(conv.transpose(0, 2, 1) + w["pos"])  # [B,dim,49]
        return act.reshape(b, -1) @ w["proj"]

    return nodes, inits, p + "out", forward


IDS = helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"])
MASK = helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "sequence"])
PIXELS = helper.make_tensor_value_info("pixel_values", TensorProto.FLOAT, ["batch", 3, 224, 224])


def output(name, *shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, list(shape))


def save(graph, path):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="coreviz-spark tests")
    model.ir_version = 7
    onnx.checker.check_model(model)
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(path))


def optimum_model(path, rng):
    """One model.onnx like Optimum's CLIP export: inputs input_ids, pixel_values, attention_mask;
    outputs logits_per_image, logits_per_text, text_embeds, image_embeds (both L2-normalised)."""
    tn, ti, tout, tf = text_tower("text.", rng, 16, 12, 997)
    vn, vi, vout, vf = vision_tower("vision.", rng, 8, 12)
    nodes = tn + vn + [
        helper.make_node("ReduceL2", [tout], ["text_norm"], axes=[1], keepdims=1),
        helper.make_node("Div", [tout, "text_norm"], ["text_embeds"]),
        helper.make_node("ReduceL2", [vout], ["image_norm"], axes=[1], keepdims=1),
        helper.make_node("Div", [vout, "image_norm"], ["image_embeds"]),
        helper.make_node("Transpose", ["image_embeds"], ["image_t"], perm=[1, 0]),
        helper.make_node("MatMul", ["text_embeds", "image_t"], ["cos_t"]),
        helper.make_node("Mul", ["cos_t", "logit_scale"], ["logits_per_text"]),
        helper.make_node("Transpose", ["logits_per_text"], ["logits_per_image"], perm=[1, 0]),
    ]
    inits = ti + vi + [tensor("logit_scale", np.array(100.0, dtype=np.float32))]
    outputs = [
        output("logits_per_image", "image_batch", "text_batch"),
        output("logits_per_text", "text_batch", "image_batch"),
        output("text_embeds", "text_batch", 12),
        output("image_embeds", "image_batch", 12),
    ]
    inputs = [
        helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["text_batch", "sequence"]),
        helper.make_tensor_value_info("pixel_values", TensorProto.FLOAT, ["image_batch", 3, 224, 224]),
        helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["text_batch", "sequence"]),
    ]
    save(helper.make_graph(nodes, "tiny_clip", inputs, outputs, inits), path)
    return tf, vf


def transformers_js_model(root, rng):
    """onnx/text_model.onnx and onnx/vision_model.onnx like transformers.js: unnormalised
    text_embeds / image_embeds next to a last_hidden_state output the scorer must not pick."""
    tn, ti, tout, tf = text_tower("", rng, 16, 10, 991)
    tn.append(helper.make_node("Identity", [tout], ["text_embeds"]))
    tn.append(helper.make_node("Identity", ["x"], ["last_hidden_state"]))
    text_outputs = [output("last_hidden_state", "batch", "sequence", 16), output("text_embeds", "batch", 10)]
    save(helper.make_graph(tn, "tiny_clip_text", [IDS, MASK], text_outputs, ti), root / "onnx" / "text_model.onnx")
    vn, vi, vout, vf = vision_tower("", rng, 8, 10)
    vn.append(helper.make_node("Identity", ["seq"], ["last_hidden_state"]))
    vn.append(helper.make_node("Identity", [vout], ["image_embeds"]))
    vision_outputs = [output("image_embeds", "batch", 10), output("last_hidden_state", "batch", 8, 49)]
    save(helper.make_graph(vn, "tiny_clip_vision", [PIXELS], vision_outputs, vi), root / "onnx" / "vision_model.onnx")
    return tf, vf


def small_tokenizer_json(path, merge_count):
    """A real tokenizer.json (Hugging Face tokenizers format) over CLIP's first merges only, so its
    ids differ from the bundled vocabulary's: proves the scorer reads the model's tokenizer."""
    full = clip_bpe(merge_count)
    vocab = {t: i for t, i in full.encoder.items()}
    merges = [" ".join(m) for m in sorted(full.ranks, key=full.ranks.get)]
    sot, eot = vocab["<|startoftext|>"], vocab["<|endoftext|>"]
    pattern = "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+"
    doc = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [
            {"id": sot, "content": "<|startoftext|>", "single_word": False, "lstrip": False, "rstrip": False, "normalized": True, "special": True},
            {"id": eot, "content": "<|endoftext|>", "single_word": False, "lstrip": False, "rstrip": False, "normalized": True, "special": True},
        ],
        "normalizer": {"type": "Sequence", "normalizers": [{"type": "NFC"}, {"type": "Replace", "pattern": {"Regex": "\\s+"}, "content": " "}, {"type": "Lowercase"}]},
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [{"type": "Split", "pattern": {"Regex": pattern}, "behavior": "Removed", "invert": True}, {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False}]},
        "post_processor": {"type": "RobertaProcessing", "sep": ["<|endoftext|>", eot], "cls": ["<|startoftext|>", sot], "trim_offsets": False, "add_prefix_space": False},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": "<|endoftext|>", "continuing_subword_prefix": "", "end_of_word_suffix": "</w>", "fuse_unk": False, "byte_fallback": False, "vocab": vocab, "merges": merges},
    }
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=None), encoding="utf-8")
    return full


def preprocessor_config(path, mean, std):
    path.write_text(
        json.dumps(
            {
                "crop_size": {"height": 224, "width": 224},
                "do_center_crop": True,
                "do_convert_rgb": True,
                "do_normalize": True,
                "do_rescale": True,
                "do_resize": True,
                "image_mean": mean,
                "image_std": std,
                "resample": 3,
                "rescale_factor": 0.00392156862745098,
                "size": {"shortest_edge": 224},
            },
            indent=2,
        )
    )


def normalise(v):
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def golden(layout, bpe, text_forward, vision_forward, mean, std):
    tokens = [bpe.tokenize(t) for t in TEXTS]
    text = normalise(text_forward([t[0] for t in tokens], [t[1] for t in tokens]))
    names = [name for name, *_ in IMAGES]
    pixels = np.stack([preprocess(OUT / "images" / n, mean, std) for n in names])
    image = normalise(vision_forward(pixels))
    cosine = image @ text.T
    return {
        "layout": layout,
        "texts": [{"text": t, "ids": ids, "mask": mask, "embedding": e.tolist()} for t, (ids, mask), e in zip(TEXTS, tokens, text)],
        "images": [
            {
                "name": n,
                "embedding": e.tolist(),
                "pixelSum": [float(pixels[i, c].astype(np.float64).sum()) for c in range(3)],
                "pixelProbes": [float(pixels[i, c, y, x]) for c, y, x in PROBES],
            }
            for i, (n, e) in enumerate(zip(names, image))
        ],
        "cosine": cosine.tolist(),
    }


PROBES = [(0, 0, 0), (1, 0, 223), (2, 223, 0), (0, 223, 223), (1, 111, 112), (2, 57, 190), (0, 200, 31), (1, 13, 77)]


def write_images():
    (OUT / "images").mkdir(parents=True, exist_ok=True)
    for seed, (name, size, mode, options) in enumerate(IMAGES):
        draw_image(seed + 1, size, mode).save(OUT / "images" / name, **options)
    (OUT / "images" / "not-an-image.png").write_bytes(b"\x89PNG\r\n\x1a\n but then nothing an image decoder wants")


def tokenizer_golden(bpe):
    assert bpe.tokenize("a photo of a cat")[0][:7] == [49406, 320, 1125, 539, 320, 2368, 49407]
    assert bpe.tokenize("hello world")[0][:4] == [49406, 3306, 1002, 49407]
    assert len(bpe.encoder) == 49408
    return [{"text": t, "ids": bpe.tokenize(t)[0]} for t in TEXTS]


def tiny():
    rng = np.random.default_rng(20261129)
    write_images()
    BUNDLED_VOCAB.parent.mkdir(parents=True, exist_ok=True)
    BUNDLED_VOCAB.write_bytes(VOCAB.read_bytes())
    bpe = clip_bpe()
    (OUT / "tokenizer-golden.json").write_text(json.dumps(tokenizer_golden(bpe), ensure_ascii=False, indent=1), encoding="utf-8")

    tf, vf = optimum_model(OUT / "optimum" / "model.onnx", rng)
    (OUT / "optimum" / "golden.json").write_text(json.dumps(golden("optimum", bpe, tf, vf, CLIP_MEAN, CLIP_STD), ensure_ascii=False), encoding="utf-8")

    js = OUT / "transformers-js"
    tf, vf = transformers_js_model(js, rng)
    small = small_tokenizer_json(js / "tokenizer.json", 3000)
    mean, std = [0.5, 0.4, 0.3], [0.2, 0.25, 0.3]
    preprocessor_config(js / "preprocessor_config.json", mean, std)
    (js / "golden.json").write_text(json.dumps(golden("transformers-js", small, tf, vf, mean, std), ensure_ascii=False), encoding="utf-8")
    print("wrote", OUT)


# ---------------------------------------------------------------------------------------------
# A random-weight ViT-B/32-shaped model for the benchmark


def vit_b32(root):
    """transformers.js layout: a 12-layer, width-768 ViT over 7x7 patches of 32 (+ class token),
    projected to 512; and a 12-layer, width-512 text transformer over 77 tokens."""
    rng = np.random.default_rng(7)
    init = []

    def w(name, *shape, scale=None):
        scale = scale if scale is not None else 1 / np.sqrt(shape[0])
        init.append(tensor(name, rng.normal(0, scale, shape).astype(np.float32)))
        return name

    def const(name, value, dtype=np.int64):
        init.append(tensor(name, np.array(value, dtype=dtype)))
        return name

    def block(nodes, x, p, width, heads, seq):
        head = width // heads
        ln_gamma = const(p + "ln_g", np.ones(width), np.float32)
        ln_beta = const(p + "ln_b", np.zeros(width), np.float32)
        nodes.append(helper.make_node("LayerNormalization", [x, ln_gamma, ln_beta], [p + "ln1"], axis=-1))
        nodes.append(helper.make_node("MatMul", [p + "ln1", w(p + "qkv", width, 3 * width)], [p + "qkv_out"]))
        nodes.append(helper.make_node("Reshape", [p + "qkv_out", const(p + "qkv_shape", [0, seq, 3, heads, head])], [p + "qkv5"]))
        nodes.append(helper.make_node("Transpose", [p + "qkv5"], [p + "qkvt"], perm=[2, 0, 3, 1, 4]))
        nodes.append(helper.make_node("Split", [p + "qkvt"], [p + "q", p + "k", p + "v"], axis=0))
        for n in ["q", "k", "v"]:
            nodes.append(helper.make_node("Squeeze", [p + n, const(p + n + "_axis", [0])], [p + n + "s"]))
        nodes.append(helper.make_node("Transpose", [p + "ks"], [p + "kt"], perm=[0, 1, 3, 2]))
        nodes.append(helper.make_node("MatMul", [p + "qs", p + "kt"], [p + "att"]))
        nodes.append(helper.make_node("Mul", [p + "att", const(p + "scale", 1 / np.sqrt(head), np.float32)], [p + "atts"]))
        nodes.append(helper.make_node("Softmax", [p + "atts"], [p + "attp"], axis=-1))
        nodes.append(helper.make_node("MatMul", [p + "attp", p + "vs"], [p + "ctx"]))
        nodes.append(helper.make_node("Transpose", [p + "ctx"], [p + "ctxt"], perm=[0, 2, 1, 3]))
        nodes.append(helper.make_node("Reshape", [p + "ctxt", const(p + "ctx_shape", [0, seq, width])], [p + "ctx3"]))
        nodes.append(helper.make_node("MatMul", [p + "ctx3", w(p + "out", width, width)], [p + "attn_out"]))
        nodes.append(helper.make_node("Add", [x, p + "attn_out"], [p + "res1"]))
        nodes.append(helper.make_node("LayerNormalization", [p + "res1", ln_gamma, ln_beta], [p + "ln2"], axis=-1))
        nodes.append(helper.make_node("MatMul", [p + "ln2", w(p + "fc1", width, 4 * width)], [p + "fc1_out"]))
        nodes.append(helper.make_node("Sigmoid", [p + "fc1_out"], [p + "gate"]))
        nodes.append(helper.make_node("Mul", [p + "fc1_out", p + "gate"], [p + "gelu"]))  # quick_gelu shape
        nodes.append(helper.make_node("MatMul", [p + "gelu", w(p + "fc2", 4 * width, width)], [p + "fc2_out"]))
        nodes.append(helper.make_node("Add", [p + "res1", p + "fc2_out"], [p + "y"]))
        return p + "y"

    nodes = []
    width = 768
    nodes.append(helper.make_node("Conv", ["pixel_values", w("patch", width, 3, 32, 32, scale=0.02)], ["patches"], kernel_shape=[32, 32], strides=[32, 32]))
    nodes.append(helper.make_node("Reshape", ["patches", const("p_shape", [0, width, 49])], ["p3"]))
    nodes.append(helper.make_node("Transpose", ["p3"], ["tokens"], perm=[0, 2, 1]))
    nodes.append(helper.make_node("Shape", ["pixel_values"], ["pv_shape"]))
    nodes.append(helper.make_node("Gather", ["pv_shape", const("zero", 0)], ["batch"], axis=0))
    nodes.append(helper.make_node("Unsqueeze", ["batch", const("ax0", [0])], ["batch1"]))
    nodes.append(helper.make_node("Concat", ["batch1", const("cls_tail", [1, width])], ["cls_shape"], axis=0))
    nodes.append(helper.make_node("Expand", [w("cls", 1, 1, width, scale=0.02), "cls_shape"], ["cls_b"]))
    nodes.append(helper.make_node("Concat", ["cls_b", "tokens"], ["seq"], axis=1))
    nodes.append(helper.make_node("Add", ["seq", w("vpos", 50, width, scale=0.02)], ["x0"]))
    x = "x0"
    for layer in range(12):
        x = block(nodes, x, f"v{layer}.", width, 12, 50)
    nodes.append(helper.make_node("Gather", [x, const("cls_index", 0)], ["pooled"], axis=1))
    nodes.append(helper.make_node("MatMul", ["pooled", w("vproj", width, 512)], ["image_embeds"]))
    graph = helper.make_graph(nodes, "vit_b32_vision", [PIXELS], [output("image_embeds", "batch", 512)], init)
    save_large(graph, root / "onnx" / "vision_model.onnx")

    init.clear()
    nodes = []
    width = 512
    nodes.append(helper.make_node("Gather", [w("tok", 49408, width, scale=0.02), "input_ids"], ["temb"]))
    nodes.append(helper.make_node("Add", ["temb", w("tpos", CONTEXT, width, scale=0.01)], ["t0"]))
    x = "t0"
    for layer in range(12):
        x = block(nodes, x, f"t{layer}.", width, 8, CONTEXT)
    nodes.append(helper.make_node("Cast", ["input_ids"], ["idsf"], to=TensorProto.FLOAT))
    nodes.append(helper.make_node("ArgMax", ["idsf"], ["eos"], axis=1, keepdims=1))
    nodes.append(helper.make_node("Unsqueeze", ["eos", const("ax2", [2])], ["eos3"]))
    nodes.append(helper.make_node("Expand", ["eos3", const("eos_shape", [1, 1, width])], ["eosd"]))
    nodes.append(helper.make_node("GatherElements", [x, "eosd"], ["pooled3"], axis=1))
    nodes.append(helper.make_node("Squeeze", ["pooled3", const("ax1", [1])], ["pooled"]))
    nodes.append(helper.make_node("MatMul", ["pooled", w("tproj", width, 512)], ["text_embeds"]))
    graph = helper.make_graph(nodes, "vit_b32_text", [IDS, MASK], [output("text_embeds", "batch", 512)], init)
    save_large(graph, root / "onnx" / "text_model.onnx")
    preprocessor_config(root / "preprocessor_config.json", CLIP_MEAN, CLIP_STD)
    print("wrote", root)


def save_large(graph, path):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="coreviz-spark benchmark")
    model.ir_version = 8
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(path))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vit-b32", metavar="DIR", help="write the benchmark's random ViT-B/32-shaped model to DIR")
    parser.add_argument("--tokenizer", action="store_true", help="rewrite only the tokenizer's golden ids and HTML entity table")
    args = parser.parse_args()
    if args.vit_b32:
        vit_b32(pathlib.Path(args.vit_b32))
    elif args.tokenizer:
        write_html_entities()
        (OUT / "tokenizer-golden.json").write_text(json.dumps(tokenizer_golden(clip_bpe()), ensure_ascii=False, indent=1), encoding="utf-8")
    else:
        write_html_entities()
        tiny()
