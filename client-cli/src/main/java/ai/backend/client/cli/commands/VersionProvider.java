package ai.backend.client.cli.commands;

import ai.backend.client.Config;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}. */
public final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {
      "backend.ai (Java client) " + Config.CLIENT_VERSION,
      "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"
    };
  }
}
