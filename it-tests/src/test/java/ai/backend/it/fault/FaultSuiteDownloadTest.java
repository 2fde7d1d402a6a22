package ai.backend.it.fault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.client.errors.BackendIoException;
import ai.backend.client.errors.MalformedResponseException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import mockwebserver3.SocketEffect;
import okio.Buffer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A session download (spec §6.2: {@code multipart/mixed}, one tar archive per part) that breaks
 * off: the connection closes in the middle of a file ({@link BackendIoException}), or the
 * multipart stream ends early inside a well-formed HTTP body ({@link MalformedResponseException}).
 * Either way no file with the final name and partial content is left in the destination, and no
 * temporary file anywhere.
 */
class FaultSuiteDownloadTest extends FaultFixture {
  private static final byte[] SMALL = "small file\n".getBytes(StandardCharsets.UTF_8);
  private static final byte[] BIG = new byte[256 * 1024];

  static {
    new Random(42).nextBytes(BIG);
  }

  @TempDir
  Path dir;

  /** Two parts: a small file, then a big one; a cut at half the body falls inside the big file. */
  private static Buffer twoParts() {
    return Bodies.multipart(Bodies.tar("small.txt", SMALL), Bodies.tar("big.bin", BIG));
  }

  private List<Path> download(Path dest) throws Exception {
    List<String> paths = List.of("small.txt", "big.bin");
    return call(k -> k.download(paths, dest), k -> k.download(paths, dest));
  }

  // the control: the same body, whole, extracts both files (so the faults below fail for their
  // reason)
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("matrix")
  void aWholeDownloadExtractsEveryPart(String adapter, Mode mode) throws Exception {
    server.enqueue(Bodies.download(twoParts()));
    open(adapter, mode);
    Path dest = dir.resolve("dest");

    download(dest);

    assertArrayEquals(SMALL, Files.readAllBytes(dest.resolve("small.txt")));
    assertArrayEquals(BIG, Files.readAllBytes(dest.resolve("big.bin")));
    assertEquals(List.of("big.bin", "small.txt"), names(dest));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("matrix")
  void aDownloadCutInTheMiddleLeavesNoFileThatLooksComplete(String adapter, Mode mode)
      throws Exception {
    // Content-Length announces the whole body; the server closes the connection halfway
    server.enqueue(Bodies.download(twoParts()).onResponseBody(new SocketEffect.CloseSocket()));
    open(adapter, mode);
    Path dest = dir.resolve("dest");

    List<String> paths = List.of("small.txt", "big.bin");
    BackendIoException e =
        fails(BackendIoException.class, k -> k.download(paths, dest), k -> k.download(paths, dest));

    // failed while reading the body, not before the answer
    assertEquals(
        java.util.Optional.of(ai.backend.client.port.TransportException.Kind.IO),
        e.transportKind(),
        e.toString());
    assertTrue(
        e.getMessage().startsWith("the connection broke while reading the response of POST"),
        e.getMessage());

    assertNothingPartial(dest);
    // the body had begun: a retry cannot resume it, and none is made
    assertEquals(1, server.requestCount(), "requests");
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("matrix")
  void aMultipartStreamEndingEarlyIsMalformedAndLeavesNoFileThatLooksComplete(
      String adapter, Mode mode) throws Exception {
    // the HTTP body is complete (its length is right), but the multipart stream inside stops in the
    // middle of big.bin, without a closing delimiter: a proxy that buffered and truncated it
    Buffer whole = twoParts();
    Buffer cut = new Buffer();
    whole.copyTo(cut, 0, whole.size() / 2);
    server.enqueue(Bodies.download(cut));
    open(adapter, mode);
    Path dest = dir.resolve("dest");

    List<String> paths = List.of("small.txt", "big.bin");
    MalformedResponseException e = fails(
        MalformedResponseException.class,
        k -> k.download(paths, dest),
        k -> k.download(paths, dest));

    assertEquals(200, e.status());
    assertNothingPartial(dest);
  }

  /** No big.bin and no temporary file; small.txt, if it is there, is whole. */
  private static void assertNothingPartial(Path dest) throws Exception {
    assertFalse(Files.exists(dest.resolve("big.bin")), "a truncated big.bin under its final name");
    if (Files.exists(dest.resolve("small.txt"))) {
      assertArrayEquals(SMALL, Files.readAllBytes(dest.resolve("small.txt")));
    }
    for (String n : names(dest)) {
      assertTrue(n.equals("small.txt"), "left in the destination: " + n);
    }
  }

  private static List<String> names(Path dest) throws Exception {
    if (!Files.exists(dest)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dest)) {
      return s.filter(p -> !p.equals(dest))
          .map(p -> dest.relativize(p).toString())
          .sorted()
          .toList();
    }
  }
}
