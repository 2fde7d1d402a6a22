package ai.backend.it.readme;

// example:sync
import ai.backend.client.ConsoleItem;
import ai.backend.client.ExecutionResult;
import ai.backend.client.Kernel;
import ai.backend.client.KernelOptions;
import ai.backend.client.Session;

public class SyncExample {
  public static void main(String[] args) {
    try (Session session = Session.open()) {   // BACKEND_ENDPOINT, BACKEND_ACCESS_KEY, BACKEND_SECRET_KEY
      run(session);
    }
  }

  public static void run(Session session) {
    Kernel kernel = Kernel.getOrCreate(session, "lua5",
        KernelOptions.builder().clientToken("readme-sync-example").build());
    try {
      ExecutionResult result = kernel.execute("print(string.format('%d apples', 6 * 7))");
      for (ConsoleItem item : result.console()) {
        if (item instanceof ConsoleItem.Stdout out) {
          System.out.print(out.text());
        }
      }
    } finally {
      kernel.destroy();
    }
  }
}
// /example:sync
