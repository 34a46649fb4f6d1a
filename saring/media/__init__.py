"""Images on posts and fact checks: storage by SHA-256, OCR (Tesseract), perceptual hashes (pHash).

Plain functions over typed records; nothing here knows Prefect, the web or the CLI.
"""
