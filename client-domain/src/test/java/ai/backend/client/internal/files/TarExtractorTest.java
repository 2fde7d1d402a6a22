package ai.backend.client.internal.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarExtractorTest {
  private static final Instant T1 = Instant.parse("2021-03-04T05:06:07Z");
  private static final Instant T2 = Instant.parse("2019-01-02T03:04:05Z");
  private static final String LONG_DIR =
      "a-rather-long-directory-name-that-goes-on-and-on/" + "x".repeat(60) + "/nested-again";
  private static final String LONG_NAME = LONG_DIR + "/file-with-a-long-name-" + "y".repeat(40);

  @TempDir
  Path tmp;

  interface Build {
    void run(TarWriter w) throws IOException;
  }

  private static byte[] tar(Build b) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarWriter w = new TarWriter(out)) {
      b.run(w);
    }
    return out.toByteArray();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** Everything under {@code dir}, relative, sorted; for "nothing else was written" checks. */
  private static List<String> listing(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> !p.equals(dir))
          .map(p -> dir.relativize(p).toString())
          .sorted()
          .toList();
    }
  }

  @Test
  void extractsDirectoriesFilesExecBitMtimeAndLongNames() throws IOException {
    byte[] big = randomBytes(200_000, 1);
    byte[] archive = tar(w -> {
      w.addDirectory("proj", 0755, T2);
      w.addFile("proj/run.sh", utf8("#!/bin/sh\necho hi\n"), 0755, T1);
      w.addFile("proj/data.bin", big, 0644, T1);
      w.addFile("proj/" + LONG_NAME, utf8("long"), 0600, T1);
      w.addFile("proj/ünïcödé.txt", utf8("u"), 0644, T1);
      w.addFile("proj/empty", new byte[0], 0644, T1);
    });
    Path dest = tmp.resolve("out");
    List<long[]> progress = new ArrayList<>();
    List<String> names = new ArrayList<>();
    TarExtractor.Summary s =
        TarExtractor.extract(new TrickleInputStream(archive, 3), dest, (bytes, name) -> {
          progress.add(new long[] {bytes});
          names.add(name);
        });

    Path proj = dest.resolve("proj");
    assertArrayEquals(utf8("#!/bin/sh\necho hi\n"), Files.readAllBytes(proj.resolve("run.sh")));
    assertArrayEquals(big, Files.readAllBytes(proj.resolve("data.bin")));
    assertArrayEquals(utf8("long"), Files.readAllBytes(proj.resolve(LONG_NAME)));
    assertArrayEquals(utf8("u"), Files.readAllBytes(proj.resolve("ünïcödé.txt")));
    assertEquals(0, Files.size(proj.resolve("empty")));
    assertTrue(Files.isExecutable(proj.resolve("run.sh")));
    assertFalse(Files.getPosixFilePermissions(proj.resolve("data.bin"))
        .contains(PosixFilePermission.OWNER_EXECUTE));
    assertEquals(FileTime.from(T1), Files.getLastModifiedTime(proj.resolve("data.bin")));
    assertEquals(FileTime.from(T2), Files.getLastModifiedTime(proj));
    assertEquals(6, s.extracted().size());
    assertTrue(s.skipped().isEmpty());
    assertEquals(big.length + 18 + 4 + 1, s.bytes());
    assertEquals(s.bytes(), progress.get(progress.size() - 1)[0]);
    assertTrue(names.contains("proj/data.bin"));
    assertFalse(listing(dest).stream().anyMatch(n -> n.contains(".partial-")));
  }

  @Test
  void permissionsAreSanitised() throws IOException {
    byte[] archive = tar(w -> w.addFile("f", utf8("x"), 04777, T1));
    Path dest = tmp.resolve("out");
    TarExtractor.extract(new ByteArrayInputStream(archive), dest);
    Set<PosixFilePermission> p = Files.getPosixFilePermissions(dest.resolve("f"));
    assertEquals(
        Set.of(
            PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_EXECUTE,
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_EXECUTE),
        p);
  }

  @Test
  void linksInsideAreCreatedAndSpecialFilesSkipped() throws IOException {
    byte[] archive = tar(w -> {
      w.addFile("d/target.txt", utf8("T"), 0644, T1);
      w.addSymlink("d/rel-link", "target.txt", T1);
      w.addSymlink("up-link", "d/../d/target.txt", T1);
      w.addHardLink("d/hard", "d/target.txt", T1);
      w.addSpecial("d/fifo", '6', 0644, T1);
      w.addSpecial("d/dev", '3', 0644, T1);
      w.addSymlink("dirlink", "d", T1);
      w.addFile("dirlink/through.txt", utf8("via link"), 0644, T1);
    });
    Path dest = tmp.resolve("out");
    TarExtractor.Summary s = TarExtractor.extract(new ByteArrayInputStream(archive), dest);
    assertEquals("T", Files.readString(dest.resolve("d/rel-link")));
    assertTrue(Files.isSymbolicLink(dest.resolve("d/rel-link")));
    assertEquals("T", Files.readString(dest.resolve("up-link")));
    assertEquals("T", Files.readString(dest.resolve("d/hard")));
    assertFalse(Files.isSymbolicLink(dest.resolve("d/hard")));
    assertEquals("via link", Files.readString(dest.resolve("d/through.txt")));
    assertEquals(
        List.of("d/fifo", "d/dev"),
        s.skipped().stream().map(TarExtractor.Skipped::name).toList());
    assertFalse(Files.exists(dest.resolve("d/fifo")));
  }

  /** Each hostile archive must be refused, with nothing written outside {@code dest}. */
  private void assertRefused(Build b) throws IOException {
    Path root = Files.createTempDirectory(tmp, "case");
    Path dest = root.resolve("dest");
    Files.createDirectories(dest);
    Path outside = Files.createDirectories(root.resolve("outside"));
    byte[] archive = tar(b);
    assertThrows(
        UnsafeArchiveException.class,
        () -> TarExtractor.extract(new ByteArrayInputStream(archive), dest));
    assertEquals(List.of(), listing(outside));
    try (Stream<Path> s = Files.list(root)) {
      assertEquals(
          List.of("dest", "outside"),
          s.map(p -> p.getFileName().toString()).sorted().toList());
    }
    // and no partial file lingering inside either
    assertFalse(listing(dest).stream().anyMatch(n -> n.contains(".partial-")));
  }

  @Test
  void pathTraversalIsRefused() throws IOException {
    assertRefused(w -> w.addFile("../outside/evil", utf8("x"), 0644, T1));
    assertRefused(w -> w.addFile("a/../../outside/evil", utf8("x"), 0644, T1));
    assertRefused(w -> w.addFile("a/./../b/../../outside/evil", utf8("x"), 0644, T1));
    assertRefused(w -> w.addFile(tmp.resolve("abs-evil").toString(), utf8("x"), 0644, T1));
    assertFalse(Files.exists(tmp.resolve("abs-evil")));
    assertRefused(w -> w.addFile("/abs", utf8("x"), 0644, T1));
    assertRefused(w -> w.addDirectory("../outside/newdir", 0755, T1));
    assertRefused(w -> w.addFile("../" + "z".repeat(120), utf8("x"), 0644, T1)); // via pax path
  }

  @Test
  void symlinkEscapesAreRefused() throws IOException {
    assertRefused(w -> {
      w.addSymlink("link", "/tmp", T1);
      w.addFile("link/file", utf8("x"), 0644, T1);
    });
    assertRefused(w -> {
      w.addSymlink("link", "../outside", T1);
      w.addFile("link/file", utf8("x"), 0644, T1);
    });
    assertRefused(w -> {
      w.addDirectory("sub", 0755, T1);
      w.addSymlink("sub/up", "..", T1); // fine so far: points at dest
      w.addSymlink("sub/up2", "up/..", T1); // follows up, then leaves dest
    });
    assertRefused(w -> w.addHardLink("hard", "../outside/x", T1));
    assertRefused(w -> w.addHardLink("hard", "/etc/passwd", T1));
  }

  /**
   * Each link is inside when made, but together they lead out: x -> y/.. (y missing), then y -> .
   * makes x resolve to the destination's parent. Refused, and the refused download's own files are
   * removed, while what was there before stays.
   */
  @Test
  void aChainOfLinksLeadingOutIsRefusedAndTheDownloadRemoved() throws IOException {
    Path root = Files.createTempDirectory(tmp, "chain");
    Path dest = Files.createDirectories(root.resolve("dest"));
    Files.writeString(dest.resolve("mine.txt"), "the user's");
    byte[] archive = tar(w -> {
      w.addFile("first.txt", utf8("from the archive"), 0644, T1);
      w.addDirectory("sub", 0755, T1);
      w.addFile("sub/deeper/f.txt", utf8("f"), 0644, T1);
      w.addSymlink("x", "y/..", T1);
      w.addSymlink("y", ".", T1);
    });
    UnsafeArchiveException e = assertThrows(
        UnsafeArchiveException.class,
        () -> TarExtractor.extract(new ByteArrayInputStream(archive), dest));
    assertEquals("x", e.entryName());
    assertEquals(List.of("mine.txt"), listing(dest));
    assertEquals("the user's", Files.readString(dest.resolve("mine.txt")));

    // the same chain in the other order: y exists when x is made, so x is refused by where it
    // points
    byte[] reversed = tar(w -> {
      w.addFile("first.txt", utf8("from the archive"), 0644, T1);
      w.addSymlink("y", ".", T1);
      w.addSymlink("x", "y/..", T1);
    });
    assertThrows(
        UnsafeArchiveException.class,
        () -> TarExtractor.extract(new ByteArrayInputStream(reversed), dest));
    assertEquals(List.of("mine.txt"), listing(dest));
  }

  @Test
  void existingSymlinkInDestinationIsNotFollowedOutside() throws IOException {
    Path root = Files.createTempDirectory(tmp, "pre");
    Path dest = Files.createDirectories(root.resolve("dest"));
    Path outside = Files.createDirectories(root.resolve("outside"));
    Files.createSymbolicLink(dest.resolve("link"), outside);
    byte[] archive = tar(w -> w.addFile("link/file", utf8("x"), 0644, T1));
    UnsafeArchiveException e = assertThrows(
        UnsafeArchiveException.class,
        () -> TarExtractor.extract(new ByteArrayInputStream(archive), dest));
    assertEquals("link/file", e.entryName());
    assertEquals(List.of(), listing(outside));

    // A file member replaces a symlink of the same name instead of writing through it.
    Files.writeString(outside.resolve("victim"), "safe");
    Files.createSymbolicLink(dest.resolve("victim"), outside.resolve("victim"));
    byte[] replace = tar(w -> w.addFile("victim", utf8("new"), 0644, T1));
    TarExtractor.extract(new ByteArrayInputStream(replace), dest);
    assertEquals("safe", Files.readString(outside.resolve("victim")));
    assertFalse(Files.isSymbolicLink(dest.resolve("victim")));
    assertEquals("new", Files.readString(dest.resolve("victim")));
  }

  @Test
  void truncatedArchiveLeavesNoCompleteLookingFile() throws IOException {
    byte[] content = randomBytes(50_000, 9);
    byte[] archive = tar(w -> {
      w.addFile("first.txt", utf8("complete"), 0644, T1);
      w.addFile("big.bin", content, 0644, T1);
    });
    // cut in the middle of big.bin's data
    byte[] truncated = Arrays.copyOf(archive, 512 * 3 + 20_000);
    Path dest = tmp.resolve("out");
    Files.createDirectories(dest);
    Files.writeString(dest.resolve("big.bin"), "old version"); // must survive untouched
    MalformedTarException e = assertThrows(
        MalformedTarException.class,
        () -> TarExtractor.extract(new TrickleInputStream(truncated, 5), dest));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    assertEquals("complete", Files.readString(dest.resolve("first.txt")));
    assertEquals("old version", Files.readString(dest.resolve("big.bin")));
    assertEquals(List.of("big.bin", "first.txt"), listing(dest));
  }

  @Test
  void missingEndMarkerAndCorruptHeaderAreErrors() throws IOException {
    byte[] archive = tar(w -> w.addFile("a", utf8("x"), 0644, T1));
    byte[] noMarker = Arrays.copyOf(archive, 1024);
    assertThrows(
        MalformedTarException.class,
        () -> TarExtractor.extract(new ByteArrayInputStream(noMarker), tmp.resolve("o1")));
    byte[] corrupt = archive.clone();
    corrupt[10] ^= 0x55;
    assertThrows(
        MalformedTarException.class,
        () -> TarExtractor.extract(new ByteArrayInputStream(corrupt), tmp.resolve("o2")));
    assertThrows(
        MalformedTarException.class,
        () -> TarExtractor.extract(
            new ByteArrayInputStream(utf8("not a tar at all".repeat(64))), tmp.resolve("o3")));
  }

  @Test
  void laterMembersReplaceEarlierOnes() throws IOException {
    byte[] archive = tar(w -> {
      w.addFile("f", utf8("one"), 0644, T1);
      w.addFile("./f", utf8("two"), 0644, T1);
    });
    Path dest = tmp.resolve("out");
    TarExtractor.extract(new ByteArrayInputStream(archive), dest);
    assertEquals("two", Files.readString(dest.resolve("f")));
    assertEquals(List.of("f"), listing(dest));
  }

  // --- archives written by the system tar -------------------------------------------------

  private byte[] systemTar(String format, Path dir, String member) throws Exception {
    Path out = tmp.resolve(format + ".tar");
    Process p = new ProcessBuilder(
            "tar", "--format=" + format, "-cf", out.toString(), "-C", dir.toString(), member)
        .redirectErrorStream(true)
        .start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "tar timed out");
    assertEquals(0, p.exitValue(), log);
    return Files.readAllBytes(out);
  }

  private Path sampleTree() throws IOException {
    Path src = tmp.resolve("src");
    Path tree = Files.createDirectories(src.resolve("tree").resolve(LONG_DIR));
    Files.writeString(tree.resolve("deep.txt"), "deep");
    Path longFile = src.resolve("tree").resolve(LONG_NAME);
    Files.writeString(longFile, "longname");
    Path exe = src.resolve("tree/bin.sh");
    Files.writeString(exe, "#!/bin/sh\n");
    Files.setPosixFilePermissions(
        exe,
        Set.of(
            PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_EXECUTE));
    Files.setLastModifiedTime(exe, FileTime.from(T1));
    Files.write(src.resolve("tree/blob"), randomBytes(70_000, 4));
    Files.createSymbolicLink(src.resolve("tree/link-to-blob"), Path.of("blob"));
    Files.createLink(src.resolve("tree/hard-blob"), src.resolve("tree/blob"));
    Files.createSymbolicLink(
        src.resolve("tree").resolve(LONG_DIR).resolve("long-link-" + "q".repeat(90)),
        Path.of("deep.txt"));
    return src;
  }

  private void assertSampleExtracted(Path dest) throws IOException {
    Path tree = dest.resolve("tree");
    assertEquals("deep", Files.readString(tree.resolve(LONG_DIR).resolve("deep.txt")));
    assertEquals("longname", Files.readString(tree.resolve(LONG_NAME)));
    assertTrue(Files.isExecutable(tree.resolve("bin.sh")));
    assertEquals(FileTime.from(T1), Files.getLastModifiedTime(tree.resolve("bin.sh")));
    assertArrayEquals(randomBytes(70_000, 4), Files.readAllBytes(tree.resolve("blob")));
    assertArrayEquals(randomBytes(70_000, 4), Files.readAllBytes(tree.resolve("hard-blob")));
    assertTrue(Files.isSymbolicLink(tree.resolve("link-to-blob")));
    assertEquals(
        "deep", Files.readString(tree.resolve(LONG_DIR).resolve("long-link-" + "q".repeat(90))));
  }

  @Test
  void readsSystemTarPaxArchive() throws Exception {
    Path src = sampleTree();
    byte[] archive = systemTar("pax", src, "tree");
    Path dest = tmp.resolve("pax-out");
    TarExtractor.Summary s = TarExtractor.extract(new TrickleInputStream(archive, 11), dest);
    assertSampleExtracted(dest);
    assertTrue(s.skipped().isEmpty(), s.skipped().toString());
  }

  @Test
  void readsSystemTarGnuArchive() throws Exception {
    Path src = sampleTree();
    byte[] archive = systemTar("gnu", src, "tree");
    Path dest = tmp.resolve("gnu-out");
    TarExtractor.extract(new ByteArrayInputStream(archive), dest);
    assertSampleExtracted(dest);
  }

  @Test
  void systemTarReadsOurArchives() throws Exception {
    Path src = sampleTree();
    Path file = tmp.resolve("ours.tar");
    try (TarWriter w = new TarWriter(Files.newOutputStream(file))) {
      w.addTree(src.resolve("tree"), "");
    }
    Path dest = Files.createDirectories(tmp.resolve("systar-out"));
    Process p = new ProcessBuilder("tar", "-xf", file.toString(), "-C", dest.toString())
        .redirectErrorStream(true)
        .start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), log);
    Path tree = dest.resolve("tree");
    assertEquals("longname", Files.readString(tree.resolve(LONG_NAME)));
    assertTrue(Files.isExecutable(tree.resolve("bin.sh")));
    assertArrayEquals(randomBytes(70_000, 4), Files.readAllBytes(tree.resolve("blob")));
    // and our own reader round-trips it too
    Path dest2 = tmp.resolve("roundtrip");
    try (var in = Files.newInputStream(file)) {
      TarExtractor.extract(in, dest2);
    }
    assertEquals(
        "deep", Files.readString(dest2.resolve("tree").resolve(LONG_DIR).resolve("deep.txt")));
  }
}
