package ai.backend.it.sdk;

import ai.backend.client.AsyncKernel;
import ai.backend.client.AsyncSession;
import ai.backend.client.BatchOptions;
import ai.backend.client.ComputeSessionInfo;
import ai.backend.client.ComputeSessionListQuery;
import ai.backend.client.ComputeSessionPage;
import ai.backend.client.DestroyResult;
import ai.backend.client.ExecutionResult;
import ai.backend.client.FileEntry;
import ai.backend.client.Kernel;
import ai.backend.client.KernelOptions;
import ai.backend.client.KeypairInfo;
import ai.backend.client.RunOptions;
import ai.backend.client.RunResult;
import ai.backend.client.Session;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The SDK operations the scenarios use, once through the blocking API and once through the
 * future-returning one, so every scenario runs against both with the same assertions.
 */
interface Ops {
  Handle getOrCreate(String image, KernelOptions options);

  Handle of(String name);

  ComputeSessionPage list(ComputeSessionListQuery q);

  KeypairInfo keypair();

  Map<String, Object> graphql(String query, Map<String, Object> vars);

  /** A compute session. */
  interface Handle {
    String name();

    boolean isCreated();

    ComputeSessionInfo info();

    DestroyResult destroy();

    void restart();

    void interrupt();

    List<String> complete(String code);

    String logs();

    ExecutionResult execute(String code);

    RunResult run(String code, RunOptions options);

    RunResult runBatch(List<Path> files, Path base, BatchOptions batch, RunOptions options);

    void upload(List<Path> files, Path base);

    List<Path> download(List<String> remote, Path dest);

    List<FileEntry> listFiles(String path);
  }

  static Ops sync(Session s) {
    return new Ops() {
      @Override
      public Handle getOrCreate(String image, KernelOptions options) {
        return wrap(Kernel.getOrCreate(s, image, options));
      }

      @Override
      public Handle of(String name) {
        return wrap(Kernel.of(s, name));
      }

      @Override
      public ComputeSessionPage list(ComputeSessionListQuery q) {
        return s.admin().listSessions(q);
      }

      @Override
      public KeypairInfo keypair() {
        return s.admin().keypair();
      }

      @Override
      public Map<String, Object> graphql(String query, Map<String, Object> vars) {
        return s.admin().graphql(query, vars);
      }

      Handle wrap(Kernel k) {
        return new Handle() {
          public String name() {
            return k.name();
          }

          public boolean isCreated() {
            return k.isCreated();
          }

          public ComputeSessionInfo info() {
            return k.info();
          }

          public DestroyResult destroy() {
            return k.destroy();
          }

          public void restart() {
            k.restart();
          }

          public void interrupt() {
            k.interrupt();
          }

          public List<String> complete(String code) {
            return k.complete(code);
          }

          public String logs() {
            return k.logs();
          }

          public ExecutionResult execute(String code) {
            return k.execute(code);
          }

          public RunResult run(String code, RunOptions o) {
            return k.run(code, o);
          }

          public RunResult runBatch(List<Path> f, Path b, BatchOptions bo, RunOptions o) {
            return k.runBatch(f, b, bo, o);
          }

          public void upload(List<Path> f, Path b) {
            k.upload(f, b);
          }

          public List<Path> download(List<String> r, Path d) {
            return k.download(r, d);
          }

          public List<FileEntry> listFiles(String p) {
            return k.listFiles(p);
          }
        };
      }
    };
  }

  static Ops async(AsyncSession s) {
    return new Ops() {
      @Override
      public Handle getOrCreate(String image, KernelOptions options) {
        return wrap(join(AsyncKernel.getOrCreate(s, image, options)));
      }

      @Override
      public Handle of(String name) {
        return wrap(AsyncKernel.of(s, name));
      }

      @Override
      public ComputeSessionPage list(ComputeSessionListQuery q) {
        return join(s.admin().listSessions(q));
      }

      @Override
      public KeypairInfo keypair() {
        return join(s.admin().keypair());
      }

      @Override
      public Map<String, Object> graphql(String query, Map<String, Object> vars) {
        return join(s.admin().graphql(query, vars));
      }

      Handle wrap(AsyncKernel k) {
        return new Handle() {
          public String name() {
            return k.name();
          }

          public boolean isCreated() {
            return k.isCreated();
          }

          public ComputeSessionInfo info() {
            return join(k.info());
          }

          public DestroyResult destroy() {
            return join(k.destroy());
          }

          public void restart() {
            join(k.restart());
          }

          public void interrupt() {
            join(k.interrupt());
          }

          public List<String> complete(String code) {
            return join(k.complete(code));
          }

          public String logs() {
            return join(k.logs());
          }

          public ExecutionResult execute(String code) {
            return join(k.execute(code));
          }

          public RunResult run(String code, RunOptions o) {
            return join(k.run(code, o));
          }

          public RunResult runBatch(List<Path> f, Path b, BatchOptions bo, RunOptions o) {
            return join(k.runBatch(f, b, bo, o));
          }

          public void upload(List<Path> f, Path b) {
            join(k.upload(f, b));
          }

          public List<Path> download(List<String> r, Path d) {
            return join(k.download(r, d));
          }

          public List<FileEntry> listFiles(String p) {
            return join(k.listFiles(p));
          }
        };
      }
    };
  }

  /** Waits (in the test thread only) and rethrows the SDK exception the future failed with. */
  static <T> T join(CompletableFuture<T> f) {
    try {
      return f.get(120, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new AssertionError(e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("future did not complete", e);
    }
  }
}
