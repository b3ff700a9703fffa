#!/usr/bin/env python3
"""Makes call-flows/audio/hold.wav: 12 s of calm, loopable hold music.

Written from scratch (sine tones with soft envelopes, a slow I–vi–IV–V progression),
so the hotline may ship it freely (CC0). Telephone format: PCM 16-bit, mono, 8 kHz,
which Twilio plays as is and sipgate requires.
"""
import math, struct, sys, wave

RATE, SECONDS = 8000, 12.0
CHORDS = [(261.63, 329.63, 392.00), (220.00, 261.63, 329.63), (174.61, 220.00, 261.63), (196.00, 246.94, 293.66)]

def sample(t: float) -> float:
    bar = SECONDS / len(CHORDS)
    i = int(t // bar) % len(CHORDS)
    local = t - i * bar
    # Soft attack and release per chord, so bars and the loop point join without clicks.
    env = min(1.0, local / 0.6) * min(1.0, (bar - local) / 0.6)
    pad = sum(math.sin(2 * math.pi * f * t) for f in CHORDS[i]) / 3
    # A slow arpeggio an octave up, quieter than the pad.
    step = int(local / (bar / 6)) % 3
    arp_t = local % (bar / 6)
    arp = math.sin(2 * math.pi * CHORDS[i][step] * 2 * t) * math.exp(-arp_t * 3)
    return env * (0.55 * pad + 0.25 * arp)

def main(path: str) -> None:
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        frames = bytearray()
        for n in range(int(RATE * SECONDS)):
            frames += struct.pack("<h", int(max(-1.0, min(1.0, sample(n / RATE))) * 0.35 * 32767))
        w.writeframes(bytes(frames))

if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "call-flows/audio/hold.wav")
