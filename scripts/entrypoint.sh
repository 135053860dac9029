#!/usr/bin/env sh
# The container's entry command (Dockerfile CMD). `make container-smoke` runs this same file.
exec streamlit run app.py \
  --server.port "${PORT:-8501}" \
  --server.address 0.0.0.0 \
  --server.headless true \
  --server.fileWatcherType none \
  --browser.gatherUsageStats false
