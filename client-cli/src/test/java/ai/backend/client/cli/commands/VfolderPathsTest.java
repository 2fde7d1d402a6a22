package ai.backend.client.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class VfolderPathsTest {
  @Test
  void folderPathsAreRelativeToTheRoot() {
    assertEquals("inputs", VfolderFileCommands.remote("/inputs/"));
    assertEquals("inputs/a.txt", VfolderFileCommands.remote("./inputs/a.txt"));
    assertEquals(".", VfolderFileCommands.remote("/"));
    assertEquals(".", VfolderFileCommands.remote(""));
    assertEquals("a/b", VfolderFileCommands.remote("a\\b"));
    assertEquals("a", VfolderFileCommands.parent("a/b"));
    assertEquals(".", VfolderFileCommands.parent("b"));
    assertEquals("b", VfolderFileCommands.baseName("a/b"));
  }

  @Test
  void epochSecondsBecomeIsoInstants() {
    assertEquals("2026-12-06T03:47:36.714Z", VfolderFileCommands.time("1.796528856714126E9"));
    assertEquals("2026-12-06T03:47:36Z", VfolderFileCommands.time("1796528856"));
    assertEquals("2026-12-06T03:46:45Z", VfolderFileCommands.time("2026-12-06T03:46:45Z"));
    assertEquals(null, VfolderFileCommands.time(null));
  }
}
