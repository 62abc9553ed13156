"""The SFU: ICE-lite, DTLS-SRTP and RTP forwarding on one UDP port (and ICE-TCP)."""
