"""Recording a meeting on the server: each track written to WebM as it is forwarded, without
decoding, then a composed file made by ffmpeg (docs/recording.md)."""
