package ai.backend.local.folders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one path confinement, on its own: the edge cases both the folder API and the proxy rely on. */
class FolderPathsTest {
  @TempDir
  Path tmp;

  private Path root;
  private Path realRoot;
  private Path outside;

  @BeforeEach
  void layout() throws Exception {
    root = Files.createDirectories(tmp.resolve("folder"));
    realRoot = root.toRealPath();
    outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), "secret");
    Files.createDirectories(root.resolve("sub"));
    Files.writeString(root.resolve("sub/in.txt"), "in");
    Files.createSymbolicLink(root.resolve("link-out"), outside);
    Files.createSymbolicLink(root.resolve("secret-link"), outside.resolve("secret.txt"));
    Files.createSymbolicLink(root.resolve("link-in"), root.resolve("sub"));
    Files.createSymbolicLink(root.resolve("in-link"), root.resolve("sub/in.txt"));
  }

  private FolderException.Kind refusal(String rel) {
    return assertThrows(FolderException.class, () -> FolderPaths.confine(root, rel))
        .kind();
  }

  @Test
  void emptyNullAndDotAreTheRoot() throws Exception {
    assertEquals(realRoot, FolderPaths.confine(root, ""));
    assertEquals(realRoot, FolderPaths.confine(root, null));
    assertEquals(realRoot, FolderPaths.confine(root, "."));
    assertEquals(realRoot, FolderPaths.confine(root, "./"));
    // ... which an entry operation refuses
    FolderException e =
        assertThrows(FolderException.class, () -> FolderPaths.confineEntry(root, ""));
    assertEquals(FolderException.Kind.INVALID, e.kind());
  }

  @Test
  void plainRelativePathsResolveInside() throws Exception {
    assertEquals(realRoot.resolve("sub/in.txt"), FolderPaths.confine(root, "sub/in.txt"));
    assertEquals(realRoot.resolve("sub/in.txt"), FolderPaths.confine(root, "sub/./in.txt"));
    // a path that does not exist yet (an upload's target) is fine under an inside ancestor
    assertEquals(realRoot.resolve("new/deep/x.bin"), FolderPaths.confine(root, "new/deep/x.bin"));
  }

  @Test
  void dotDotAbsoluteNulAndOverlongAreInvalid() {
    for (String bad : new String[] {
      "..",
      "../x",
      "a/../../x",
      "sub/../in.txt",
      "/etc/passwd",
      "/",
      "a\0b",
      "x".repeat(256),
      "a/".repeat(2100)
    }) {
      assertEquals(FolderException.Kind.INVALID, refusal(bad), bad);
    }
  }

  @Test
  void aSymlinkLeadingOutIsRefusedAsAnAncestor() {
    assertEquals(FolderException.Kind.INVALID, refusal("link-out/secret.txt"));
    assertEquals(FolderException.Kind.INVALID, refusal("link-out/new/x.bin"));
  }

  @Test
  void aLastComponentLinkIsNotFollowedByConfineButIsCheckedWhenRead() throws Exception {
    // the link itself is confined (renamed or deleted as a link) ...
    assertEquals(realRoot.resolve("secret-link"), FolderPaths.confine(root, "secret-link"));
    assertEquals(realRoot.resolve("link-out"), FolderPaths.confine(root, "link-out"));
    // ... but its target is refused when it leads out
    Path link = FolderPaths.confine(root, "secret-link");
    FolderException e = assertThrows(
        FolderException.class, () -> FolderPaths.insideTarget(root, link, "secret-link"));
    assertEquals(FolderException.Kind.INVALID, e.kind());
    e = assertThrows(FolderException.class, () -> FolderPaths.regularFile(root, "secret-link"));
    assertEquals(FolderException.Kind.INVALID, e.kind());
  }

  @Test
  void aSymlinkInsideTheFolderIsFollowed() throws Exception {
    assertEquals(realRoot.resolve("link-in/in.txt"), FolderPaths.confine(root, "link-in/in.txt"));
    Path link = FolderPaths.confine(root, "in-link");
    assertEquals(realRoot.resolve("sub/in.txt"), FolderPaths.insideTarget(root, link, "in-link"));
    // reading a file (the v4 download) opens no link at all, not even one that stays inside
    FolderException e =
        assertThrows(FolderException.class, () -> FolderPaths.regularFile(root, "in-link"));
    assertEquals(FolderException.Kind.INVALID, e.kind());
    assertTrue(e.getMessage().startsWith("Not a regular file"), e.getMessage());
  }

  @Test
  void aMissingOrDanglingTargetIsNotFound() throws Exception {
    Files.createSymbolicLink(root.resolve("dangling"), root.resolve("gone"));
    Path missing = FolderPaths.confine(root, "nothing-here");
    FolderException e = assertThrows(
        FolderException.class, () -> FolderPaths.insideTarget(root, missing, "nothing-here"));
    assertEquals(FolderException.Kind.NOT_FOUND, e.kind());
    Path dangling = FolderPaths.confine(root, "dangling");
    e = assertThrows(
        FolderException.class, () -> FolderPaths.insideTarget(root, dangling, "dangling"));
    assertEquals(FolderException.Kind.NOT_FOUND, e.kind());
    assertTrue(e.getMessage().contains("dangling"), e.getMessage());
  }
}
