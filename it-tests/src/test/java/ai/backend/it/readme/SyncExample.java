package ai.backend.it.readme;

// example:sync
import ai.backend.client.Kernel;
import ai.backend.client.KernelOptions;
import ai.backend.client.RunResult;
import ai.backend.client.Session;

public class SyncExample {
  public static void main(String[] args) {
    try (Session session = Session.open()) {   // BACKEND_ENDPOINT, BACKEND_ACCESS_KEY, BACKEND_SECRET_KEY
      run(session);
    }
  }

  public static void run(Session session) {
    // closing the Kernel destroys the compute session
    try (Kernel kernel = Kernel.getOrCreate(session, "lua5",
        KernelOptions.builder().clientToken("readme-sync-example").build())) {
      RunResult result = kernel.run("print(string.format('%d apples', 6 * 7))");   // waits for the end
      System.out.print(result.stdout());
    }
  }
}
// /example:sync
