package ai.backend.local.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Fuzzes the upload route without Jetty: {@link FileApi.Multipart#parse} on an arbitrary
 * Content-Type (the input's first line) and body (the rest), then {@link FileApi#store} into a
 * fresh work directory that holds a symbolic link {@code out -> ../outside}. Whatever the parts and
 * file names, nothing is written outside the work directory (the sibling {@code outside} keeps its
 * one file untouched), and the outcome is success, an {@link ApiException} with a 4xx status, or an
 * {@link IOException} from the file system; any other exception is a 500 and a finding.
 */
class FileApiFuzzTest {

  @FuzzTest(maxDuration = "2m")
  void upload(byte[] input) throws IOException {
    int nl = 0;
    while (nl < input.length && input[nl] != '\n') {
      nl++;
    }
    String contentType = new String(input, 0, nl, StandardCharsets.ISO_8859_1);
    byte[] body = nl < input.length ? Arrays.copyOfRange(input, nl + 1, input.length) : new byte[0];
    List<FileApi.Multipart.Part> parts;
    try {
      parts = FileApi.Multipart.parse(contentType, body);
    } catch (ApiException e) {
      assertTrue(e.status() >= 400 && e.status() < 500, "a client error, not " + e.status());
      return;
    }
    Path base = Files.createTempDirectory("upload-fuzz-");
    try {
      Path root = Files.createDirectory(base.resolve("work"));
      Path outside = Files.createDirectory(base.resolve("outside"));
      Path secret = Files.writeString(outside.resolve("secret"), "secret");
      // a link out of the work directory, as a session's own process could have made
      Files.createSymbolicLink(root.resolve("out"), Path.of("../outside"));
      try {
        FileApi.store(root, parts);
      } catch (ApiException e) {
        assertTrue(e.status() >= 400 && e.status() < 500, "a client error, not " + e.status());
      } catch (IOException fileSystemRefusal) {
        // e.g. a file where a directory is needed
      }
      assertEquals(Set.of("outside", "work"), names(base), "nothing next to the work directory");
      assertEquals(Set.of("secret"), names(outside), "nothing written into the outside directory");
      assertTrue(Files.isRegularFile(secret, LinkOption.NOFOLLOW_LINKS));
      assertEquals("secret", Files.readString(secret), "the outside file is untouched");
    } finally {
      deleteTree(base);
    }
  }

  private static Set<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return new TreeSet<>(s.map(p -> p.getFileName().toString()).toList());
    }
  }

  /** Deletes without following links (walkFileTree does not follow them by default). */
  private static void deleteTree(Path root) throws IOException {
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
        Files.delete(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
