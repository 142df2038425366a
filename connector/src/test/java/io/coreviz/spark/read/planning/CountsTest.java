package io.coreviz.spark.read.planning;

import static org.assertj.core.api.Assertions.assertThat;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.spark.client.CoreVizClient;
import io.coreviz.spark.client.Credentials;
import io.coreviz.spark.client.HttpClients;
import io.coreviz.spark.client.MediaRequest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A checked count is the number of items whatever {@code pagination.total} says. */
class CountsTest {

  private static final String KEY = "sk-counts-1";

  @ParameterizedTest(name = "{0} media, total capped at {1}")
  @CsvSource({
    "0, 2147483647",
    "0, 0",
    "1, 0",
    "1, 1",
    "3, 2",
    "3, 0",
    "40, 1",
    "40, 17",
    "40, 2147483647",
    "300, 299",
    "300, 7"
  })
  void aCheckedCountIsTheNumberOfItems(int media, int cap) {
    MediaCollection collection = SyntheticCollection.generate(media + 1, media);
    long items = collection.items().size();
    try (CoreVizEmulator server =
        CoreVizEmulator.builder().collection(collection).credential(KEY).totalCap(cap).start()) {
      CoreVizClient client =
          new CoreVizClient(server.baseUrl(), Credentials.apiKey(KEY), HttpClients.shared());
      MediaRequest request = MediaRequest.of(collection.id()).with("recursive", true);

      Counts.Count count = Counts.of(client, request);

      assertThat(count.items()).isEqualTo(items);
      assertThat(count.reported()).isEqualTo(Math.min(items, cap));
      assertThat(count.exact()).isEqualTo(cap >= items);
      assertThat(server.mediaRequests().size())
          .as("requests: two where the total is right, about 2 log2 n where not")
          .isLessThanOrEqualTo(cap >= items ? 2 : 3 + 2 * (64 - Long.numberOfLeadingZeros(items)));
    }
  }
}
