"""Hybrid security: QKD key pools, post-quantum fallback (ML-KEM), AES-GCM, adaptive switching."""
