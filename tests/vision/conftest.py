import pytest

from core.vision.images import center_crop_resize, load_sample


@pytest.fixture(scope="session")
def lite0():
    from core.vision.models import load_embedded

    return load_embedded()


@pytest.fixture(scope="session")
def chelsea_rgb():
    return center_crop_resize(load_sample("chelsea").rgb, 224)


@pytest.fixture(scope="session")
def chelsea(lite0, chelsea_rgb):
    return lite0.to_tensor(chelsea_rgb)
