package ai.backend.client.cli.commands;

import ai.backend.client.AppTunnel;
import ai.backend.client.Kernel;
import ai.backend.client.cli.Cli;
import ai.backend.client.cli.CliException;
import ai.backend.client.cli.ExitCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code app NAME SERVICE}: a local TCP port bridged to a service in the session (spec §8.3). */
@Command(
    name = "app",
    mixinStandardHelpOptions = true,
    description = {
      AppCommand.SUMMARY,
      "The service is e.g. jupyter (local-server offers http); the port is a local TCP port. Each local "
          + "connection is bridged to the session through its own WebSocket (the TCP proxy). Runs until Ctrl-C.",
      "Example:",
      "  backend.ai app mysess http -b 127.0.0.1:8080"
    })
public final class AppCommand implements Callable<Integer> {
  /** The one-line summary: the first line of the help and the command's line in the root's listing. */
  public static final String SUMMARY =
      "Make a service of a compute session reachable on a local port.";

  private final Cli cli;

  public AppCommand(Cli cli) {
    this.cli = cli;
  }

  @Parameters(index = "0", paramLabel = "NAME", description = "Session name or ID.")
  String name;

  @Parameters(index = "1", paramLabel = "SERVICE", description = "The service (app) name.")
  String service;

  @Option(
      names = {"-b", "--bind"},
      paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:8080",
      description =
          "Local address to listen on (default: ${DEFAULT-VALUE}; port 0 picks a free one).")
  String bind;

  @Override
  public Integer call() throws Exception {
    InetSocketAddress address = parse(bind);
    Kernel kernel = Kernel.of(cli.backend.session(), name);
    ShellCommand.requireStreaming(kernel);
    // one probe connection first: an unknown service or session is reported before anything listens
    try (AppTunnel probe = kernel.connectApp(service, data -> {})) {
      probe.close();
    }
    try (ServerSocket server = new ServerSocket()) {
      server.setReuseAddress(true);
      try {
        server.bind(address);
      } catch (IOException e) {
        throw new CliException(
            ExitCode.UNAVAILABLE, "cannot listen on " + bind + ": " + e.getMessage(), e);
      }
      String where = server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
      String scheme =
          service.startsWith("http") || service.equals("jupyter") || service.equals("jupyterlab")
              ? "http"
              : "tcp";
      cli.term.info(
          "A local proxy to the application \"" + service + "\" provided by the session \"" + name
              + "\" is available at: " + scheme + "://" + where);
      cli.term.info("Press Ctrl-C to stop.");
      while (true) {
        Socket client = server.accept();
        Thread t = new Thread(() -> bridge(cli, kernel, client), "app-connection");
        t.setDaemon(true);
        t.start();
      }
    }
  }

  private void bridge(Cli cli, Kernel kernel, Socket client) {
    try (client) {
      client.setTcpNoDelay(true);
      OutputStream toClient = client.getOutputStream();
      AppTunnel tunnel = kernel.connectApp(service, new AppTunnel.Listener() {
        @Override
        public void onData(byte[] data) {
          try {
            toClient.write(
                data); // blocks when the local client reads slowly: back-pressure to the session
            toClient.flush();
          } catch (IOException e) {
            closeQuietly(client);
          }
        }

        @Override
        public void onClosed(int code, String reason) {
          closeQuietly(client);
        }

        @Override
        public void onFailure(Throwable error) {
          closeQuietly(client);
        }
      });
      try (tunnel) {
        InputStream fromClient = client.getInputStream();
        byte[] buf = new byte[16 * 1024];
        int n;
        while ((n = fromClient.read(buf)) >= 0) {
          tunnel.send(Arrays.copyOf(buf, n)).get(60, TimeUnit.SECONDS);
        }
        // the client finished sending; let the service's answer drain before closing
        tunnel.closed().get(60, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      if (cli.verbose()) {
        cli.term.warn("connection closed: " + e.getMessage());
      }
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  static InetSocketAddress parse(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0 || colon == hostPort.length() - 1) {
      throw new CliException(ExitCode.USAGE, "--bind must be HOST:PORT, e.g. 127.0.0.1:8080");
    }
    String host = hostPort.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      int port = Integer.parseInt(hostPort.substring(colon + 1));
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return new InetSocketAddress(host, port);
    } catch (NumberFormatException e) {
      throw new CliException(ExitCode.USAGE, "--bind has an invalid port: " + hostPort);
    }
  }
}
