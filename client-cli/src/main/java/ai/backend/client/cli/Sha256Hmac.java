package ai.backend.client.cli;

import ai.backend.client.port.Hmac;

/**
 * HMAC-SHA256 and SHA-256 (FIPS 180-4, RFC 2104) in plain Java, for signing the CLI's requests with the
 * default hash type. The alternatives cost a short command more than the hashing itself: Bouncy
 * Castle's digests set up its crypto-services registry and, through it, {@code java.util.logging}
 * (~10 ms), and the JDK's {@code javax.crypto} loads the security providers (~30 ms, measured with
 * {@code -Xlog:class+load}). Checked against the JDK's implementation in {@code Sha256HmacTest}. Other hash
 * types stay with the transport's {@link Hmac} (see {@link Backend}).
 */
final class Sha256Hmac implements Hmac {
  static final String ALGORITHM = "sha256";
  private static final int BLOCK = 64;
  private static final int[] K = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
  };

  @Override
  public boolean supports(String algorithm) {
    return ALGORITHM.equalsIgnoreCase(algorithm);
  }

  @Override
  public byte[] digest(String algorithm, byte[] data) {
    check(algorithm);
    return sha256(data, null);
  }

  @Override
  public byte[] mac(String algorithm, byte[] key, byte[] data) {
    check(algorithm);
    byte[] k = key.length > BLOCK ? sha256(key, null) : key;
    byte[] ipad = new byte[BLOCK];
    byte[] opad = new byte[BLOCK];
    for (int i = 0; i < BLOCK; i++) {
      byte b = i < k.length ? k[i] : 0;
      ipad[i] = (byte) (b ^ 0x36);
      opad[i] = (byte) (b ^ 0x5c);
    }
    return sha256(opad, sha256(ipad, data));
  }

  private static void check(String algorithm) {
    if (!ALGORITHM.equalsIgnoreCase(algorithm)) {
      throw new IllegalArgumentException(
          "unsupported hash algorithm: " + algorithm + " (supported: [sha256])");
    }
  }

  /** SHA-256 of {@code a} followed by {@code b} (when not null). */
  static byte[] sha256(byte[] a, byte[] b) {
    int bl = b == null ? 0 : b.length;
    long bits = ((long) a.length + bl) * 8;
    int total = a.length + bl;
    int padded = ((total + 8) / BLOCK + 1) * BLOCK; // message, 0x80, zeros, 64-bit length
    byte[] m = new byte[padded];
    System.arraycopy(a, 0, m, 0, a.length);
    if (bl > 0) {
      System.arraycopy(b, 0, m, a.length, bl);
    }
    m[total] = (byte) 0x80;
    for (int i = 0; i < 8; i++) {
      m[padded - 1 - i] = (byte) (bits >>> (8 * i));
    }
    int[] h = {
      0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
    };
    int[] w = new int[64];
    for (int off = 0; off < padded; off += BLOCK) {
      for (int t = 0; t < 16; t++) {
        int j = off + 4 * t;
        w[t] = (m[j] & 0xff) << 24
            | (m[j + 1] & 0xff) << 16
            | (m[j + 2] & 0xff) << 8
            | (m[j + 3] & 0xff);
      }
      for (int t = 16; t < 64; t++) {
        int s0 = Integer.rotateRight(w[t - 15], 7)
            ^ Integer.rotateRight(w[t - 15], 18)
            ^ (w[t - 15] >>> 3);
        int s1 = Integer.rotateRight(w[t - 2], 17)
            ^ Integer.rotateRight(w[t - 2], 19)
            ^ (w[t - 2] >>> 10);
        w[t] = w[t - 16] + s0 + w[t - 7] + s1;
      }
      int va = h[0];
      int vb = h[1];
      int vc = h[2];
      int vd = h[3];
      int ve = h[4];
      int vf = h[5];
      int vg = h[6];
      int vh = h[7];
      for (int t = 0; t < 64; t++) {
        int s1 =
            Integer.rotateRight(ve, 6) ^ Integer.rotateRight(ve, 11) ^ Integer.rotateRight(ve, 25);
        int ch = (ve & vf) ^ (~ve & vg);
        int t1 = vh + s1 + ch + K[t] + w[t];
        int s0 =
            Integer.rotateRight(va, 2) ^ Integer.rotateRight(va, 13) ^ Integer.rotateRight(va, 22);
        int maj = (va & vb) ^ (va & vc) ^ (vb & vc);
        int t2 = s0 + maj;
        vh = vg;
        vg = vf;
        vf = ve;
        ve = vd + t1;
        vd = vc;
        vc = vb;
        vb = va;
        va = t1 + t2;
      }
      h[0] += va;
      h[1] += vb;
      h[2] += vc;
      h[3] += vd;
      h[4] += ve;
      h[5] += vf;
      h[6] += vg;
      h[7] += vh;
    }
    byte[] out = new byte[32];
    for (int i = 0; i < 8; i++) {
      out[4 * i] = (byte) (h[i] >>> 24);
      out[4 * i + 1] = (byte) (h[i] >>> 16);
      out[4 * i + 2] = (byte) (h[i] >>> 8);
      out[4 * i + 3] = (byte) h[i];
    }
    return out;
  }
}
