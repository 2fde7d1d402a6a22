package ai.backend.client.internal.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Fuzzes {@link TarExtractor} with arbitrary archives extracted into a fresh temporary directory
 * that already holds a symbolic link {@code out -> ../outside}: whatever the archive, nothing is
 * written outside the destination (the sibling {@code outside} keeps exactly its one file, with its
 * content and a single hard link), no symbolic link the archive leaves resolves outside it, and the
 * only exceptions are {@link IOException}s ({@link UnsafeArchiveException}, {@link
 * MalformedTarException}, or a file system refusal such as a directory in a file's way). Every
 * input gets its own directory, deleted afterwards.
 */
class TarExtractorFuzzTest {

  @FuzzTest(maxDuration = "2m")
  void extract(byte[] input) throws IOException {
    byte[] tar = TarFuzzInputs.withChecksums(input);
    Path base = Files.createTempDirectory("tar-fuzz-");
    try {
      Path dest = base.resolve("dest");
      Path outside = Files.createDirectory(base.resolve("outside"));
      Path secret = Files.writeString(outside.resolve("secret"), "secret");
      Files.createDirectory(dest);
      // a link into the outside world that the destination already holds: never to be written
      // through
      Files.createSymbolicLink(dest.resolve("out"), Path.of("../outside"));
      try {
        TarExtractor.extract(new ByteArrayInputStream(tar), dest);
      } catch (IOException expected) {
        // UnsafeArchiveException, MalformedTarException, or a file system refusal
      }
      assertEquals(Set.of("dest", "outside"), names(base), "nothing next to the destination");
      assertEquals(Set.of("secret"), names(outside), "nothing written into the outside directory");
      assertTrue(Files.isRegularFile(secret, LinkOption.NOFOLLOW_LINKS));
      assertEquals("secret", Files.readString(secret), "the outside file is untouched");
      assertEquals(1, Files.getAttribute(secret, "unix:nlink"), "no hard link to the outside file");
      Path destReal = dest.toRealPath();
      Path preexisting = dest.resolve("out");
      try (Stream<Path> all = Files.walk(dest)) {
        for (Path p : (Iterable<Path>) all::iterator) {
          if (!Files.isSymbolicLink(p) || p.equals(preexisting)) {
            continue;
          }
          Path real;
          try {
            real = p.toRealPath();
          } catch (IOException dangling) {
            continue; // a dangling link leads nowhere
          }
          assertTrue(
              real.startsWith(destReal),
              "link " + dest.relativize(p) + " resolves outside: " + real);
        }
      }
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
  static void deleteTree(Path root) throws IOException {
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
