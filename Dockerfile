# ML Studio container: CPU-only, non-root, listens on ${PORT:-8501}.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    MLSTUDIO_DEPLOYED=true \
    MLSTUDIO_DATA_DIR=/data \
    PORT=8501 \
    PATH=/opt/venv/bin:$PATH

RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg espeak-ng libcurl4 curl \
 && rm -rf /var/lib/apt/lists/*

RUN python -m venv /opt/venv
# CPU-only torch wheels first, so requirements.txt's `torch==2.14.1` is already satisfied.
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.14.1 torchvision==0.29.1
COPY requirements.txt constraints.txt /tmp/
RUN pip install -r /tmp/requirements.txt -c /tmp/constraints.txt

RUN useradd --create-home --uid 1000 app && mkdir -p /data && chown app:app /data
WORKDIR /app
COPY --chown=app:app . /app
USER app
# Compile the attractor explorer's numba kernels into the image, so the first visitor does not wait.
RUN python -m core.dynamics.warmup
# UMAP's numba functions too (into /app/.data/cache/numba), so a new projection worker loads them.
RUN python -m core.embeddings.umap_cache

EXPOSE 8501
VOLUME ["/data"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${PORT:-8501}/_stcore/health" || exit 1
CMD ["sh", "scripts/entrypoint.sh"]
