package io.coreviz.emulator.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.coreviz.emulator.model.Blob;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PlantedDefectsTest {

  @Test
  void videosWithoutDimensionsArePlantedAsCopiesWithoutDimensions() {
    MediaCollection generated = SyntheticCollection.generate(6, 200);
    Map<String, Blob> blobs = new HashMap<>();
    generated
        .media()
        .forEach(
            item -> generated.blob(item.blobKey()).ifPresent(b -> blobs.put(item.blobKey(), b)));
    List<MediaItem> items =
        generated.items().stream()
            .map(
                item ->
                    MediaItem.VIDEO.equals(item.type()) ? item.withDimensions(null, null) : item)
            .toList();
    MediaCollection collection = new MediaCollection(generated.id(), items, blobs);

    PlantedDefects planted = PlantedDefects.plant(collection, 1, 2);

    Set<String> brokenIds =
        planted.broken().values().stream().flatMap(Set::stream).collect(Collectors.toSet());
    List<MediaItem> videos =
        collection.media().stream()
            .filter(item -> brokenIds.contains(item.id()))
            .filter(item -> MediaItem.VIDEO.equals(item.type()))
            .toList();
    assertThat(videos).as("a 404 and a truncated copy per kind").hasSize(4);
    assertThat(videos).allMatch(video -> video.width() == null && video.height() == null);
  }
}
