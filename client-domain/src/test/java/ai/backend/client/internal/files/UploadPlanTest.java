package ai.backend.client.internal.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UploadPlanTest {
  @TempDir
  Path tmp;

  private Path base() throws IOException {
    return Files.createDirectories(tmp.resolve("base"));
  }

  private static Path write(Path p, int size) throws IOException {
    Files.createDirectories(p.getParent());
    return Files.write(p, new byte[size]);
  }

  @Test
  void namesAreRelativeToBaseWithSlashes() throws IOException {
    Path base = base();
    Path a = write(base.resolve("a.txt"), 3);
    Path b = write(base.resolve("sub/dir/b.bin"), 5);
    UploadPlan plan = UploadPlan.of(base, List.of(a, b));
    assertEquals(
        List.of(new UploadPlan.Entry("a.txt", a, 3), new UploadPlan.Entry("sub/dir/b.bin", b, 5)),
        plan.entries());
    assertEquals(8, plan.totalBytes());
    assertEquals(1, plan.batches().size());
  }

  @Test
  void directoriesExpandRecursivelyInNameOrderAndDuplicatesCollapse() throws IOException {
    Path base = base();
    write(base.resolve("d/z.txt"), 1);
    write(base.resolve("d/a.txt"), 1);
    write(base.resolve("d/e/f.txt"), 1);
    Files.createDirectories(base.resolve("d/empty"));
    UploadPlan plan = UploadPlan.of(base, List.of(base.resolve("d"), base.resolve("d/a.txt")));
    assertEquals(
        List.of("d/a.txt", "d/e/f.txt", "d/z.txt"),
        plan.entries().stream().map(UploadPlan.Entry::name).sorted().toList());
    assertEquals(3, plan.entries().size());
  }

  @Test
  void batchesHoldAtMostTheLimit() throws IOException {
    Path base = base();
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < 45; i++) {
      files.add(write(base.resolve(String.format("f%02d", i)), 1));
    }
    UploadPlan plan = UploadPlan.of(base, files);
    List<List<UploadPlan.Entry>> batches = plan.batches();
    assertEquals(List.of(20, 20, 5), batches.stream().map(List::size).toList());
    assertEquals("f20", batches.get(1).get(0).name());

    UploadPlan custom = UploadPlan.of(base, files, new UploadPlan.Limits(7, 10));
    assertEquals(7, custom.batches().size());
  }

  @Test
  void fileOfOneMebibyteIsRefusedJustBelowIsAccepted() throws IOException {
    Path base = base();
    Path ok = write(base.resolve("ok"), 1_048_575);
    Path big = write(base.resolve("big"), 1_048_576);
    assertEquals(1, UploadPlan.of(base, List.of(ok)).entries().size());
    UploadRejectedException e =
        assertThrows(UploadRejectedException.class, () -> UploadPlan.of(base, List.of(ok, big)));
    assertTrue(e.getMessage().contains("big"), e.getMessage());
    assertTrue(
        e.getMessage().contains("server limit: each uploaded file must be smaller than 1 MiB"),
        e.getMessage());
    assertEquals(big, e.path());
  }

  @Test
  void tooLargeFileInsideDirectoryIsRefused() throws IOException {
    Path base = base();
    write(base.resolve("d/big"), 11);
    assertThrows(
        UploadRejectedException.class,
        () -> UploadPlan.of(base, List.of(base.resolve("d")), new UploadPlan.Limits(20, 11)));
  }

  @Test
  void missingFileIsRefused() throws IOException {
    Path base = base();
    UploadRejectedException e = assertThrows(
        UploadRejectedException.class,
        () -> UploadPlan.of(base, List.of(base.resolve("nope.txt"))));
    assertTrue(e.getMessage().contains("no such file"), e.getMessage());
  }

  @Test
  void fileOutsideBaseIsRefusedIncludingDotDot() throws IOException {
    Path base = base();
    Path outside = write(tmp.resolve("outside.txt"), 1);
    assertThrows(UploadRejectedException.class, () -> UploadPlan.of(base, List.of(outside)));
    Path sneaky = base.resolve("../outside.txt");
    UploadRejectedException e =
        assertThrows(UploadRejectedException.class, () -> UploadPlan.of(base, List.of(sneaky)));
    assertTrue(e.getMessage().contains("outside the base directory"), e.getMessage());
  }

  @Test
  void symlinkLeadingOutsideIsRefused() throws IOException {
    Path base = base();
    Path outside = write(tmp.resolve("secret/key"), 1);
    Path fileLink = Files.createSymbolicLink(base.resolve("key"), outside);
    Path dirLink = Files.createSymbolicLink(base.resolve("secretdir"), outside.getParent());
    assertThrows(UploadRejectedException.class, () -> UploadPlan.of(base, List.of(fileLink)));
    assertThrows(
        UploadRejectedException.class, () -> UploadPlan.of(base, List.of(dirLink.resolve("key"))));
    // ...also when met while expanding a directory
    assertThrows(UploadRejectedException.class, () -> UploadPlan.of(base, List.of(base)));
  }

  @Test
  void symlinkInsideBaseKeepsItsOwnName() throws IOException {
    Path base = base();
    Path real = write(base.resolve("data/real.txt"), 4);
    Path link = Files.createSymbolicLink(base.resolve("alias.txt"), real);
    UploadPlan plan = UploadPlan.of(base, List.of(link));
    assertEquals("alias.txt", plan.entries().get(0).name());
    assertEquals(4, plan.entries().get(0).size());
  }

  @Test
  void symlinkLoopIsRefusedNotFollowedForever() throws IOException {
    Path base = base();
    write(base.resolve("d/x"), 1);
    Files.createSymbolicLink(base.resolve("d/loop"), base.resolve("d"));
    assertThrows(
        UploadRejectedException.class, () -> UploadPlan.of(base, List.of(base.resolve("d"))));
  }

  @Test
  void baseMustExist() {
    assertThrows(
        UploadRejectedException.class, () -> UploadPlan.of(tmp.resolve("missing"), List.of()));
  }
}
