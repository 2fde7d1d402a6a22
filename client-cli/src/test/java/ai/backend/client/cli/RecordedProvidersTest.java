package ai.backend.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.client.internal.TransportDiscovery;
import ai.backend.client.port.TransportProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordedProvidersTest {
  @Test
  void aRecordCreatesWhatTheScanFoundInTheSameOrder(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("providers.txt");
    RecordedProviders.write(file);
    List<String> scanned =
        TransportDiscovery.providers().stream().map(p -> p.getClass().getName()).toList();
    assertTrue(
        scanned.size() >= 2, scanned.toString()); // both adapters are on the CLI's class path
    List<TransportProvider> loaded = RecordedProviders.load(file).orElseThrow();
    assertEquals(scanned, loaded.stream().map(p -> p.getClass().getName()).toList());
    assertEquals(
        TransportDiscovery.select("jdk").getClass(),
        TransportDiscovery.select("jdk", loaded).getClass());
  }

  @Test
  void aDamagedOrStaleRecordIsIgnored(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("providers.txt");
    assertTrue(RecordedProviders.load(file).isEmpty(), "missing");
    Files.writeString(file, "not a record\nai.backend.client.transport.jdk.JdkTransportProvider\n");
    assertTrue(RecordedProviders.load(file).isEmpty(), "no header");
    Files.writeString(file, "# backend.ai transport providers v1\ncom.example.Gone\n");
    assertTrue(RecordedProviders.load(file).isEmpty(), "class gone");
    Files.writeString(file, "# backend.ai transport providers v1\njava.lang.String\n");
    assertTrue(RecordedProviders.load(file).isEmpty(), "not a provider");
    Files.writeString(file, "# backend.ai transport providers v1\n");
    assertTrue(RecordedProviders.load(file).isEmpty(), "empty");
  }
}
