package ai.backend.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.local.api.ApiException;
import ai.backend.local.folders.Folder;
import ai.backend.local.folders.FolderStore;
import ai.backend.local.storage.ResolvedFolder;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The storage-proxy contract over the folder store: what is visible to whom, and how. */
class FolderStoreResolverTest {
  @TempDir
  Path dir;

  @Test
  void resolvesByNameOrIdForTheOwnerOnly() throws Exception {
    FolderStore store = FolderStore.open(dir, Clock.systemUTC());
    Folder rw = store.create("AK1", "data", null, null);
    Folder ro = store.create("AK1", "refs", "ro", "data");
    FolderStoreResolver r = new FolderStoreResolver(store);

    ResolvedFolder byName = r.resolve("data", "AK1");
    assertEquals(rw.id(), byName.id());
    assertEquals(32, byName.id().length());
    assertEquals(store.root(rw), byName.root());
    assertTrue(byName.writable());
    assertEquals("data", r.resolve(rw.id(), "AK1").name());
    assertFalse(r.resolve("refs", "AK1").writable());
    assertEquals(ro.id(), r.resolve(ro.id(), "AK1").id());

    ApiException other = assertThrows(ApiException.class, () -> r.resolve("data", "AK2"));
    assertEquals(404, other.status());
    assertEquals("vfolder-not-found", other.type());
    assertEquals(
        404, assertThrows(ApiException.class, () -> r.resolve("nope", "AK1")).status());

    store.trash(rw);
    assertEquals(
        404, assertThrows(ApiException.class, () -> r.resolve("data", "AK1")).status());
  }
}
