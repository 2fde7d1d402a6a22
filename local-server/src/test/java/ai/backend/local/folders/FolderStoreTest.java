package ai.backend.local.folders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store on its own: concurrent creation, what a crash leaves, reopening. */
class FolderStoreTest {
  @TempDir
  Path dir;

  @Test
  void oneOfManyConcurrentCreatesOfANameWins() throws Exception {
    FolderStore store = FolderStore.open(dir, Clock.systemUTC());
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Boolean>> results = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      results.add(pool.submit(() -> {
        go.await();
        try {
          store.create("AK", "same", null, null);
          return true;
        } catch (FolderException e) {
          assertEquals(FolderException.Kind.ALREADY_EXISTS, e.kind());
          return false;
        }
      }));
    }
    go.countDown();
    int won = 0;
    for (Future<Boolean> f : results) {
      won += f.get(10, TimeUnit.SECONDS) ? 1 : 0;
    }
    pool.shutdown();
    assertEquals(1, won);
    assertEquals(1, store.list("AK").size());
    // another owner may use the name
    store.create("AK2", "same", null, null);
  }

  @Test
  void reopeningSkipsDamageAndRemovesLeftovers() throws Exception {
    FolderStore store = FolderStore.open(dir, Clock.systemUTC());
    Folder kept = store.create("AK", "kept", "ro", "model");
    Folder broken = store.create("AK", "broken", null, null);
    Files.writeString(dir.resolve(broken.id()).resolve("folder.json"), "{not json");
    Path leftover = Files.createDirectories(store.staging().resolve("deleting-x/sub"));
    Files.writeString(leftover.resolve("f"), "x");

    FolderStore again = FolderStore.open(dir, Clock.systemUTC());
    assertEquals(List.of(kept), again.list("AK"));
    assertEquals("ro", again.find("AK", kept.id()).permission());
    assertFalse(again.find("AK", "kept").writable());
    assertFalse(Files.exists(leftover));
    assertThrows(FolderException.class, () -> again.find("AK", "broken"));
  }

  @Test
  void deleteRemovesTheFilesButNotWhatLinksPointTo() throws Exception {
    FolderStore store = FolderStore.open(dir.resolve("store"), Clock.systemUTC());
    Folder f = store.create("AK", "linked", null, null);
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.writeString(outside.resolve("precious"), "keep me");
    Files.createSymbolicLink(store.root(f).resolve("link"), outside);
    Files.createDirectories(store.root(f).resolve("d"));
    Files.writeString(store.root(f).resolve("d/file"), "x");
    store.delete(f);
    assertTrue(Files.exists(outside.resolve("precious")));
    assertFalse(Files.exists(dir.resolve("store").resolve(f.id())));
    assertTrue(store.list("AK").isEmpty());
  }
}
