package ai.backend.local.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Every hash of §2.3 computes what Python's hmac and hashlib compute (the manager's own code). */
class HashAlgorithmTest {
  @Test
  void everyHashMatchesPython() throws Exception {
    String key = "sk-0123456789";
    String message =
        "POST\n/session\n20261205T080000Z\nhost:127.0.0.1:8081\napplication/json\nx-backendai-version:v9";
    List<String> names = new java.util.ArrayList<>();
    for (HashAlgorithm h : HashAlgorithm.values()) {
      names.add(h.pythonName());
    }
    // one interpreter for all: "name hmac digest" per line
    List<String> lines = python(
            "import hashlib,hmac,sys\n"
                + "k, m = sys.argv[1].encode(), sys.argv[2].encode()\n"
                + "for n in sys.argv[3:]: print(n, hmac.new(k, m, n).hexdigest(), hashlib.new(n, m).hexdigest())",
            key,
            message,
            names)
        .lines()
        .toList();
    assertEquals(names.size(), lines.size(), lines.toString());
    for (String line : lines) {
      String[] f = line.split(" ");
      HashAlgorithm h = HashAlgorithm.of(f[0]).orElseThrow();
      assertEquals(
          f[1],
          HexFormat.of().formatHex(h.hmac(key.getBytes(StandardCharsets.UTF_8), message)),
          f[0]);
      assertEquals(f[2], h.hexDigest(message.getBytes(StandardCharsets.UTF_8)), f[0]);
    }
    assertTrue(HashAlgorithm.of("BLAKE2B").isPresent());
    assertTrue(HashAlgorithm.of("shake_128").isEmpty());
  }

  private static String python(String code, String key, String message, List<String> names)
      throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("python3", "-c", code, key, message));
    cmd.addAll(names);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, out);
    return out;
  }
}
