package ai.backend.client.internal.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class GlobsTest {
  private static final List<String> TREE = List.of(
      "a.csv",
      "b.txt",
      "data/x.csv",
      "data/deep/y.csv",
      "data/deep/z.bin",
      ".git/config",
      "src/.git/HEAD",
      "logs/run.log");

  private static List<String> pick(Globs g) {
    return TREE.stream().filter(g::accepts).collect(Collectors.toList());
  }

  @Test
  void nothingGivenTakesEverything() {
    assertEquals(TREE, pick(Globs.all()));
    assertEquals(TREE, pick(Globs.of(List.of(), List.of())));
  }

  @Test
  void nameOnlyIncludeMatchesAtAnyDepth() {
    assertEquals(
        List.of("a.csv", "data/x.csv", "data/deep/y.csv"),
        pick(Globs.of(List.of("*.csv"), List.of())));
  }

  @Test
  void pathIncludeIsAnchoredAndDoubleStarCrossesDirectories() {
    assertEquals(List.of("data/x.csv"), pick(Globs.of(List.of("data/*.csv"), List.of())));
    assertEquals(
        List.of("data/x.csv", "data/deep/y.csv", "data/deep/z.bin"),
        pick(Globs.of(List.of("data/**"), List.of())));
    assertEquals(
        List.of("a.csv", "data/x.csv", "data/deep/y.csv"),
        pick(Globs.of(List.of("**/*.csv"), List.of())));
  }

  @Test
  void nameOnlyExcludeDropsWholeSubtreesAnywhere() {
    Globs g = Globs.of(List.of(), List.of(".git", "*.log"));
    assertEquals(
        List.of("a.csv", "b.txt", "data/x.csv", "data/deep/y.csv", "data/deep/z.bin"), pick(g));
    assertFalse(g.entersDirectory("src/.git"));
    assertTrue(g.entersDirectory("src"));
  }

  @Test
  void pathExcludeDropsThatDirectoryOnly() {
    Globs g = Globs.of(List.of("*.csv", "*.bin"), List.of("data/deep"));
    assertEquals(List.of("a.csv", "data/x.csv"), pick(g));
    assertFalse(g.entersDirectory("data/deep"));
  }

  @Test
  void classesBracesAndQuestionMarks() {
    assertEquals(List.of("a.csv", "b.txt"), pick(Globs.of(List.of("[ab].{csv,txt}"), List.of())));
    assertEquals(List.of("b.txt"), pick(Globs.of(List.of("[!a]?txt"), List.of())));
    assertFalse(Globs.of(List.of("*"), List.of()).accepts("a/b")
        && !Globs.of(List.of("*"), List.of()).accepts("b"));
    assertTrue(Globs.of(List.of("a\\*b"), List.of()).accepts("a*b"));
    assertFalse(Globs.of(List.of("a\\*b"), List.of()).accepts("axb"));
  }

  @Test
  void malformedPatternsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> Globs.of(List.of("[abc"), List.of()));
    assertThrows(IllegalArgumentException.class, () -> Globs.of(List.of("{a,b"), List.of()));
    assertThrows(IllegalArgumentException.class, () -> Globs.of(List.of("/"), List.of()));
  }
}
