package ai.backend.it.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.client.AsyncKernel;
import ai.backend.client.AsyncSession;
import ai.backend.client.DestroyResult;
import ai.backend.client.FileEntry;
import ai.backend.client.Kernel;
import ai.backend.client.KernelOptions;
import ai.backend.client.RunResult;
import ai.backend.client.Session;
import ai.backend.client.errors.NotFoundException;
import ai.backend.client.errors.SessionClosedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a Java user embedding the SDK relies on (issue 13, item 6), against local-server. */
class EmbeddingApiTest extends SdkFixture {
  private static KernelOptions named(String prefix) {
    return KernelOptions.builder()
        .name(prefix + "-" + KernelOptions.generateName().substring(0, 10))
        .build();
  }

  private static long deletes(Opened o) {
    return o.transport().requests.stream().filter(r -> r.startsWith("DELETE ")).count();
  }

  @Test
  void closingAKernelDestroysItsComputeSessionOnce() {
    Opened o = open("jdk", Mode.SYNC, V9);
    Session s = o.session();
    Kernel k;
    try (Kernel kernel = Kernel.getOrCreate(s, "python", named("close"))) {
      k = kernel;
      RunResult r = kernel.run("print(6 * 7)");
      assertEquals("42\n", r.stdout());
      assertEquals(0, r.exitCode().orElseThrow());
    }
    assertThrows(NotFoundException.class, () -> Kernel.of(s, k.name()).info());
    assertEquals(1, deletes(o));
    k.close(); // idempotent: nothing more is sent
    k.async().close();
    assertEquals(1, deletes(o));
    assertTrue(s.admin().keypair().active(), "the API session stays open");
  }

  @Test
  void closeAfterDestroySendsNothingAndAGoneSessionCountsAsClosed() {
    Opened o = open("apache", Mode.SYNC, V4);
    Kernel k = Kernel.getOrCreate(o.session(), "python", named("destroyed"));
    DestroyResult d = k.destroy();
    assertTrue(
        d.metric("cpu_used").isPresent(), d.toString()); // v4 reports the last container metrics
    k.close();
    assertEquals(1, deletes(o));
    Kernel.of(o.session(), k.name()).close(); // another handle: 404 on the server, no error
    assertEquals(2, deletes(o));
  }

  @Test
  void asyncKernelClosesLikeTheBlockingOne() {
    Opened o = open("apache", Mode.ASYNC, V9);
    AsyncSession a = o.session().async();
    String name;
    try (AsyncKernel k = Ops.join(AsyncKernel.getOrCreate(a, "python", named("aclose")))) {
      name = k.name();
      assertEquals(0, Ops.join(k.run("print(1)")).exitCode().orElseThrow());
    }
    assertThrows(NotFoundException.class, () -> Ops.join(AsyncKernel.of(a, name).info()));
    DestroyResult again = null;
    try {
      again = Ops.join(AsyncKernel.of(a, name).destroy());
    } catch (NotFoundException expected) {
      // destroy() is not idempotent: it reports that the session is gone
    }
    assertEquals(null, again);
  }

  @Test
  void destroyOnTheCurrentDialectReportsTheStatus() {
    Opened o = open("jdk", Mode.SYNC, V9);
    DestroyResult d = Kernel.getOrCreate(o.session(), "python", named("status")).destroy();
    assertEquals("terminated", d.status());
    assertTrue(!d.isCancelled());
  }

  @Test
  void closingTheAsyncViewLeavesTheSessionOpen() {
    Opened o = open("jdk", Mode.ASYNC, V9);
    Session s = o.session();
    try (AsyncSession view = s.async()) {
      assertTrue(Ops.join(view.admin().keypair()).active());
    }
    assertTrue(s.admin().keypair().active(), "closing the view must not close the session");
    assertTrue(Ops.join(s.async().admin().keypair()).active());
  }

  @Test
  void sessionOpenWithAConfigAndTheOwningAsyncSession() {
    Session s = Session.open(config(V9).build());
    try (s) {
      assertEquals(V9, s.apiVersion());
      assertTrue(s.admin().keypair().active());
    }
    assertThrows(SessionClosedException.class, () -> s.admin().keypair());

    AsyncSession a = AsyncSession.open(config(V9).build());
    Session underneath = a.sync();
    try (a) {
      assertTrue(Ops.join(a.admin().keypair()).active());
    }
    // the AsyncSession opened it, so closing it closed the session
    assertThrows(SessionClosedException.class, () -> underneath.admin().keypair());
  }

  @Test
  void relativeUploadPathsResolveAgainstTheBaseDirectory(@TempDir Path dir) throws Exception {
    Path base = Files.createDirectories(dir.resolve("project"));
    Files.createDirectories(base.resolve("src"));
    Files.writeString(base.resolve("src/main.py"), "print('from base')\n");
    Opened o = open("jdk", Mode.SYNC, V9);
    try (Kernel k = Kernel.getOrCreate(o.session(), "python", named("upload"))) {
      // relative to base, not to the JVM's working directory (where src/main.py does not exist)
      k.upload(List.of(Path.of("src/main.py")), base);
      List<FileEntry> files = k.listFiles("src");
      assertTrue(files.stream().anyMatch(f -> f.name().equals("main.py")), files.toString());
      assertEquals("from base\n", k.run("exec(open('src/main.py').read())").stdout());
    }
  }
}
