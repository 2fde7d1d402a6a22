package ai.backend.it.readme;

// example:async
import ai.backend.client.AsyncKernel;
import ai.backend.client.AsyncSession;
import ai.backend.client.KernelOptions;
import ai.backend.client.RunOptions;

public class AsyncExample {
  public static void main(String[] args) {
    try (AsyncSession session = AsyncSession.open()) {
      run(session).join();   // only the demo waits; nothing in the chain blocks a thread
    }
  }

  public static java.util.concurrent.CompletableFuture<Void> run(AsyncSession session) {
    return AsyncKernel.getOrCreate(session, "python", KernelOptions.builder().name("readme-async-example").build())
        .thenCompose(kernel -> kernel
            .run("for i in range(3): print('line', i)", RunOptions.defaults()
                .withListener(item -> System.out.print("> " + item.text())))
            .thenCompose(result -> {
              result.exitCode().ifPresent(code -> System.out.println("exit code " + code));
              return kernel.destroy();
            }))
        .thenApply(destroyed -> null);
  }
}
// /example:async
