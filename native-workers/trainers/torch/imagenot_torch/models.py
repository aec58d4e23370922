"""The nine architectures: torchvision's own definitions, `torchvision.models.<arch>(weights=None, num_classes=K)`.

Inception V3 trains without its auxiliary head (aux_logits=False), as the tfjs engine does; its published parameter
count includes the head, so `param_counts` lists both. ViT-B/16 is built for the run's input size (its position
embedding depends on it).
"""
import torch
import torchvision

ARCHS = ["alexnet", "vgg19", "inception_v3", "resnet152", "densenet161", "mobilenet_v3_large",
         "efficientnet_v2_s", "vit_b_16", "convnext_tiny"]
# Models without convolutions to lay out channels-last.
NOT_CONVOLUTIONAL = {"vit_b_16"}


def build(arch: str, num_classes: int, input_size: int, aux_logits: bool = False) -> torch.nn.Module:
    if arch not in ARCHS:
        raise ValueError(f"unknown architecture '{arch}' (known: {', '.join(ARCHS)})")
    kwargs = {"weights": None, "num_classes": num_classes}
    if arch == "inception_v3":
        kwargs.update(aux_logits=aux_logits, init_weights=True)
    if arch == "vit_b_16":
        kwargs["image_size"] = input_size
    return getattr(torchvision.models, arch)(**kwargs)


def count_params(model: torch.nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def param_counts(num_classes: int = 1000, input_size: int = 224) -> dict:
    """{arch: parameters} as torchvision counts them (Inception V3 with its auxiliary head), plus
    inception_v3_without_aux; the same keys as `imagenot arch params --json`."""
    out = {}
    for arch in ARCHS:
        size = 299 if arch == "inception_v3" else input_size
        out[arch] = count_params(build(arch, num_classes, size, aux_logits=arch == "inception_v3"))
    out["inception_v3_without_aux"] = count_params(build("inception_v3", num_classes, 299))
    return out


def check_input(arch: str, size: int) -> str:
    """None when the model builds and runs a forward pass at size x size, else the error."""
    try:
        model = build(arch, 10, size).eval()
        with torch.no_grad():
            model(torch.zeros(1, 3, size, size))
        return None
    except (RuntimeError, ValueError, AssertionError) as err:
        return str(err).split("\n")[0] or type(err).__name__
