package ai.backend.client.internal.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MultipartMixedReaderTest {
  private static final String B = "Ab3-boundary_x";

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Binary content full of traps: CRLFs, "--", a boundary prefix, partial delimiters. */
  private static byte[] nastyBinary() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(ascii("\r\n--\r\n--Ab3-boundar\r\n\r\n--Ab3-boundary\r-\n"));
    for (int i = 0; i < 256; i++) {
      b.write(i);
    }
    b.writeBytes(ascii("\r\r\n-"));
    b.writeBytes(ascii("\r\n"));
    byte[] random = new byte[20000];
    new Random(42).nextBytes(random);
    b.writeBytes(random);
    b.writeBytes(ascii("\r\n-")); // ends in CRLF-dash right before the real delimiter
    return b.toByteArray();
  }

  private static byte[] body(String preamble, List<byte[]> parts, String epilogue) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(ascii(preamble));
    for (int i = 0; i < parts.size(); i++) {
      b.writeBytes(ascii((i == 0 && preamble.isEmpty() ? "" : "\r\n") + "--" + B + " \t\r\n"));
      b.writeBytes(ascii("Content-Type: application/x-tar\r\nX-Index: " + i + "\r\n\r\n"));
      b.writeBytes(parts.get(i));
    }
    b.writeBytes(ascii("\r\n--" + B + "--"));
    b.writeBytes(ascii(epilogue));
    return b.toByteArray();
  }

  private static List<byte[]> readAll(MultipartMixedReader r) throws IOException {
    List<byte[]> out = new ArrayList<>();
    MultipartMixedReader.Part p;
    while ((p = r.next()) != null) {
      assertEquals(String.valueOf(out.size()), p.header("x-index"));
      assertEquals("application/x-tar", p.headers().get("CONTENT-TYPE"));
      out.add(p.body().readAllBytes());
    }
    return out;
  }

  @Test
  void binaryPartsSurviveWholeReads() throws IOException {
    List<byte[]> parts = List.of(nastyBinary(), new byte[0], ascii("hello"));
    byte[] body = body("", parts, "");
    try (MultipartMixedReader r = new MultipartMixedReader(
        "multipart/mixed; boundary=" + B, new ByteArrayInputStream(body))) {
      List<byte[]> got = readAll(r);
      assertEquals(3, got.size());
      for (int i = 0; i < parts.size(); i++) {
        assertArrayEquals(parts.get(i), got.get(i), "part " + i);
      }
      assertNull(r.next());
    }
  }

  @Test
  void boundarySplitAcrossReadsAtEveryOffset() throws IOException {
    List<byte[]> parts = List.of(nastyBinary(), ascii("--" + B + "x is not a delimiter here"));
    byte[] body = body("preamble text\r\n--not-it\r\n", parts, "\r\nepilogue junk\r\n");
    for (long seed = 0; seed < 40; seed++) {
      TrickleInputStream in = new TrickleInputStream(body, seed);
      try (MultipartMixedReader r =
          new MultipartMixedReader("Multipart/Mixed; charset=x; Boundary=\"" + B + "\"", in)) {
        List<byte[]> got = new ArrayList<>();
        MultipartMixedReader.Part p;
        while ((p = r.next()) != null) {
          // read in odd-sized chunks too
          ByteArrayOutputStream o = new ByteArrayOutputStream();
          byte[] chunk = new byte[(int) (seed % 13) + 1];
          int n;
          while ((n = p.body().read(chunk)) >= 0) {
            o.write(chunk, 0, n);
          }
          got.add(o.toByteArray());
        }
        assertEquals(2, got.size());
        assertArrayEquals(parts.get(0), got.get(0), "seed " + seed);
        assertArrayEquals(parts.get(1), got.get(1), "seed " + seed);
      }
    }
  }

  @Test
  void unreadPartsAreSkipped() throws IOException {
    List<byte[]> parts = List.of(nastyBinary(), ascii("second"), ascii("third"));
    byte[] body = body("", parts, "");
    try (MultipartMixedReader r = new MultipartMixedReader(
        "multipart/mixed; boundary=" + B, new TrickleInputStream(body, 7))) {
      MultipartMixedReader.Part first = r.next();
      assertEquals(5, first.body().readNBytes(5).length);
      MultipartMixedReader.Part second = r.next();
      assertThrows(IOException.class, () -> first.body().read());
      second.body().close(); // closing skips the rest
      assertArrayEquals(ascii("third"), r.next().body().readAllBytes());
      assertNull(r.next());
    }
  }

  @Test
  void lfOnlyHeadersAndFoldedHeaderAreAccepted() throws IOException {
    byte[] body = ascii("--" + B
        + "\nContent-Disposition: attachment;\n filename=\"x\"\n\npayload\r\n--" + B + "--\r\n");
    try (MultipartMixedReader r =
        new MultipartMixedReader("multipart/mixed;boundary=" + B, new ByteArrayInputStream(body))) {
      MultipartMixedReader.Part p = r.next();
      assertEquals("attachment; filename=\"x\"", p.header("content-disposition"));
      assertArrayEquals(ascii("payload"), p.body().readAllBytes());
      assertNull(r.next());
    }
  }

  @Test
  void truncatedBodiesAreReported() throws IOException {
    byte[] full = body("", List.of(nastyBinary(), ascii("tail")), "");
    // Cut at many points, including inside the final delimiter, and inside headers.
    int[] cuts = {0, 5, 20, 60, 500, full.length / 2, full.length - 12, full.length - 3};
    for (int cut : cuts) {
      byte[] truncated = Arrays.copyOf(full, cut);
      MalformedMultipartException e = assertThrows(
          MalformedMultipartException.class,
          () -> {
            try (MultipartMixedReader r = new MultipartMixedReader(
                "multipart/mixed; boundary=" + B, new TrickleInputStream(truncated, cut))) {
              MultipartMixedReader.Part p;
              while ((p = r.next()) != null) {
                p.body().readAllBytes();
              }
            }
          },
          "cut at " + cut);
      assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }
  }

  @Test
  void boundaryExtraction() throws IOException {
    assertEquals("abc", MultipartMixedReader.boundaryOf("multipart/mixed; boundary=abc"));
    assertEquals("abc", MultipartMixedReader.boundaryOf("multipart/mixed;boundary=abc ; x=y"));
    assertEquals(
        "a b;c", MultipartMixedReader.boundaryOf("multipart/mixed; x=\"q;\"; boundary=\"a b;c\""));
    assertEquals("a\"b", MultipartMixedReader.boundaryOf("multipart/mixed; boundary=\"a\\\"b\""));
    assertThrows(
        MalformedMultipartException.class, () -> MultipartMixedReader.boundaryOf("text/plain"));
    assertThrows(
        MalformedMultipartException.class,
        () -> MultipartMixedReader.boundaryOf("multipart/mixed"));
    assertThrows(
        MalformedMultipartException.class,
        () -> MultipartMixedReader.boundaryOf("multipart/mixed; boundary=\"abc"));
    assertThrows(MalformedMultipartException.class, () -> MultipartMixedReader.boundaryOf(null));
  }

  @Test
  void noPartsAtAll() throws IOException {
    byte[] body = ascii("--" + B + "--\r\n");
    try (MultipartMixedReader r = new MultipartMixedReader(
        "multipart/mixed; boundary=" + B, new ByteArrayInputStream(body))) {
      assertNull(r.next());
    }
  }

  @Test
  void closeClosesTheUnderlyingStream() throws IOException {
    boolean[] closed = {false};
    InputStream in = new ByteArrayInputStream(new byte[0]) {
      @Override
      public void close() {
        closed[0] = true;
      }
    };
    new MultipartMixedReader("multipart/mixed; boundary=x", in).close();
    assertTrue(closed[0]);
  }
}
