package ai.backend.client.internal.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** v4 folder downloads: multipart/mixed with gzip-encoded parts (spec §9.1). */
class GzipPartsTest {
  @TempDir
  Path dir;

  static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(b);
    }
    return out.toByteArray();
  }

  static byte[] body(String boundary, Object... namesAndParts) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < namesAndParts.length; i += 3) {
      out.write(("--" + boundary + "\r\nContent-Type: application/octet-stream\r\n"
              + "Content-Disposition: " + namesAndParts[i] + "\r\n"
              + (namesAndParts[i + 1] != null
                  ? "Content-Encoding: " + namesAndParts[i + 1] + "\r\n"
                  : "")
              + "\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      out.write((byte[]) namesAndParts[i + 2]);
      out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }
    out.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
    return out.toByteArray();
  }

  @Test
  void gunzipsEachPartAndHashesTheUncompressedBytes() throws Exception {
    byte[] a = new byte[200_000];
    new Random(1).nextBytes(a);
    byte[] b = "hello\r\n--BOUNDARY-lookalike\r\n".getBytes(StandardCharsets.UTF_8);
    byte[] multipart = body(
        "xyz",
        "attachment; filename=\"a.bin\"",
        "gzip",
        gzip(a),
        "attachment; filename*=UTF-8''h%C3%A9llo.txt",
        null,
        b);
    AtomicLong written = new AtomicLong();
    List<GzipParts.Saved> saved = GzipParts.save(
        new MultipartMixedReader(
            "multipart/mixed; boundary=xyz", new ByteArrayInputStream(multipart)),
        name -> dir.resolve(name),
        written::set);
    assertEquals(2, saved.size());
    assertEquals("a.bin", saved.get(0).filename());
    assertEquals("héllo.txt", saved.get(1).filename());
    assertArrayEquals(a, Files.readAllBytes(dir.resolve("a.bin")));
    assertArrayEquals(b, Files.readAllBytes(dir.resolve("héllo.txt")));
    assertArrayEquals(
        MessageDigest.getInstance("SHA-256").digest(a), saved.get(0).sha256());
    assertEquals(a.length, saved.get(0).size());
    assertEquals(a.length + b.length, written.get());
  }

  @Test
  void aBrokenGzipPartLeavesNoFile() throws Exception {
    byte[] bad = gzip("data".getBytes(StandardCharsets.UTF_8));
    bad = java.util.Arrays.copyOf(bad, bad.length - 6); // truncated trailer
    byte[] multipart = body("q", "attachment; filename=\"x\"", "gzip", bad);
    assertThrows(
        IOException.class,
        () -> GzipParts.save(
            new MultipartMixedReader(
                "multipart/mixed; boundary=q", new ByteArrayInputStream(multipart)),
            name -> dir.resolve(name),
            n -> {}));
    assertFalse(Files.exists(dir.resolve("x")));
    assertFalse(Files.exists(dir.resolve("x.part")));
  }

  @Test
  void aPartWithoutNameIsMalformed() throws Exception {
    byte[] multipart = body("q", "attachment", null, new byte[] {1});
    assertThrows(
        MalformedMultipartException.class,
        () -> GzipParts.save(
            new MultipartMixedReader(
                "multipart/mixed; boundary=q", new ByteArrayInputStream(multipart)),
            name -> dir.resolve(name),
            n -> {}));
  }

  @Test
  void filenames() {
    assertEquals("a b.txt", GzipParts.filename("attachment; filename=\"a b.txt\""));
    assertEquals("plain", GzipParts.filename("attachment; filename=plain"));
    assertEquals("q\"x", GzipParts.filename("attachment; filename=\"q\\\"x\""));
    assertEquals(null, GzipParts.filename("inline"));
  }
}
