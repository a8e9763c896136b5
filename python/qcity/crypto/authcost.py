"""Device-side cost of authenticating once: Q-PUF challenge-response vs RSA-2048 and ML-DSA-44 signatures.

The device proves its identity to its gateway. Signature schemes: the device signs a
fresh challenge and sends the signature. Q-PUF: the device expands a 16-byte
challenge seed into m challenges (AES-256-CTR), evaluates its PUF in hardware and
sends the m response bits. Time = CPU cycles / clock + air time at 250 kbit/s
(802.15.4, with 6LoWPAN fragmentation of long messages); energy = CPU active power x
CPU time + radio transmit power x air time. Cycle counts are published
microcontroller measurements, cited beside each constant; the device's clock and
powers default to the smart-city device model (Battery.ned: Cortex-M3 class at
32 MHz, 14.4 mW active; CC2420 at 0 dBm, 17.4 mA at 3 V). The PUF's own evaluation
(a race through delay lines) is not counted: it is hardware, not CPU work.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import mldsa, padding, rsa

# RSA-2048 private-key operation (signing): 483.25 ms on an STM32F437 (Cortex-M4, 160 MHz), wolfSSL 4.4.1
# with its Cortex-M single-precision assembly math (the crypto accelerator does not do RSA);
# wolfSSL IDE/STM32Cube/STM32_Benchmarks.md. 0.48325 s x 160e6 = 77.32 M cycles.
RSA2048_SIGN_CYCLES = 0.48325 * 160e6
RSA2048_SIGNATURE_BYTES = 256
# ML-DSA-44 signing: 7,925,955 cycles on average (pqm4 "clean" portable C on Cortex-M4; benchmarks.md of
# github.com/mupq/pqm4 at cc2c1b99). Signing time varies with rejection sampling: MIN 3.3 M, MAX 33 M cycles.
MLDSA44_SIGN_CYCLES = 7_925_955
MLDSA44_SIGNATURE_BYTES = 2420  # FIPS 204
# AES-256 in CTR mode, constant time: 115.6 cycles/byte on Cortex-M3 (Adomnicai & Peyrin, TCHES 2021(1),
# fully fixsliced; github.com/aadomn/aes README).
AES256_CTR_CYCLES_PER_BYTE = 115.6
PUF_SEED_BYTES = 16

AIR_BITRATE = 250e3  # 802.15.4 at 2.4 GHz
FRAME_PAYLOAD = 111  # bytes of a message per 127-byte frame (after MAC header, FCS, fragment header)
FRAME_OVERHEAD = 11 + 6 + 5  # MAC header + FCS, PHY header, 6LoWPAN fragment header


@dataclass(frozen=True)
class Device:
    clock_hz: float = 32e6
    cpu_power_w: float = 14.4e-3
    tx_power_w: float = 17.4e-3 * 3.0


@dataclass(frozen=True)
class AuthCost:
    scheme: str
    cpu_cycles: float
    message_bytes: int
    cpu_s: float
    air_s: float
    energy_j: float

    @property
    def latency_s(self) -> float:
        return self.cpu_s + self.air_s


def air_time(message_bytes: int) -> float:
    """On-air time of a message split into 802.15.4 frames (no retries, no backoff)."""
    frames = max(1, math.ceil(message_bytes / FRAME_PAYLOAD))
    return (message_bytes + frames * FRAME_OVERHEAD) * 8 / AIR_BITRATE


def cost(scheme: str, cycles: float, message_bytes: int, device: Device = Device()) -> AuthCost:
    cpu = cycles / device.clock_hz
    air = air_time(message_bytes)
    return AuthCost(scheme, cycles, message_bytes, cpu, air, cpu * device.cpu_power_w + air * device.tx_power_w)


def device_costs(puf_challenges: int = 128, puf_stages: int = 64, device: Device = Device()) -> list[AuthCost]:
    """One authentication by each scheme on `device`."""
    if puf_challenges < 1 or puf_stages < 1:
        raise ValueError("the PUF needs at least one challenge of at least one stage")
    expand = AES256_CTR_CYCLES_PER_BYTE * math.ceil(puf_challenges * puf_stages / 8)
    return [
        cost(f"Q-PUF ({puf_challenges} x {puf_stages}-bit challenges)", expand, math.ceil(puf_challenges / 8), device),
        cost("ML-DSA-44 signature", MLDSA44_SIGN_CYCLES, MLDSA44_SIGNATURE_BYTES, device),
        cost("RSA-2048 signature", RSA2048_SIGN_CYCLES, RSA2048_SIGNATURE_BYTES, device),
    ]


def host_timings(repeats: int = 20) -> dict[str, tuple[float, float]]:
    """(sign, verify) seconds per operation with `cryptography` on this machine: the verifier's side."""
    message = b"qcity authentication challenge"
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.MAX_LENGTH)
    dsa_key = mldsa.MLDSA44PrivateKey.generate()
    ops = {
        "RSA-2048": (lambda: rsa_key.sign(message, pss, hashes.SHA256()),
                     lambda s: rsa_key.public_key().verify(s, message, pss, hashes.SHA256())),
        "ML-DSA-44": (lambda: dsa_key.sign(message), lambda s: dsa_key.public_key().verify(s, message)),
    }
    out = {}
    for name, (sign, verify) in ops.items():
        t0 = time.perf_counter()
        for _ in range(repeats):
            sig = sign()
        t1 = time.perf_counter()
        for _ in range(repeats):
            verify(sig)
        t2 = time.perf_counter()
        out[name] = ((t1 - t0) / repeats, (t2 - t1) / repeats)
    return out
