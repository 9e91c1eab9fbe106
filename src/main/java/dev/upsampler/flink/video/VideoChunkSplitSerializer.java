package dev.upsampler.flink.video;

import dev.upsampler.io.chunks.VideoChunk;
import java.io.IOException;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.FileSourceSplitSerializer;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/** A chunk split in checkpoints: the file split as Flink writes it, then the chunk's range. */
final class VideoChunkSplitSerializer implements SimpleVersionedSerializer<VideoChunkSplit> {
  private static final int FILE_SPLIT_VERSION = FileSourceSplitSerializer.INSTANCE.getVersion();

  @Override
  public int getVersion() {
    return 1;
  }

  @Override
  public byte[] serialize(VideoChunkSplit split) throws IOException {
    // Flink's serializer takes only its own class: the file part as a plain file split.
    byte[] file = FileSourceSplitSerializer.INSTANCE.serialize(new FileSourceSplit(
        split.splitId(), split.path(), split.offset(), split.length(),
        split.fileModificationTime(), split.fileSize(), split.hostnames(),
        split.getReaderPosition().orElse(null)));
    DataOutputSerializer out = new DataOutputSerializer(file.length + 64);
    out.writeInt(FILE_SPLIT_VERSION);
    out.writeInt(file.length);
    out.write(file);
    VideoChunk c = split.chunk();
    out.writeInt(c.index());
    out.writeInt(c.count());
    out.writeLong(c.startMicros());
    out.writeLong(c.endMicros());
    out.writeLong(c.seekTimestamp());
    out.writeLong(c.frames());
    return out.getCopyOfBuffer();
  }

  @Override
  public VideoChunkSplit deserialize(int version, byte[] bytes) throws IOException {
    if (version != 1) {
      throw new IOException("unknown video chunk split version " + version);
    }
    DataInputDeserializer in = new DataInputDeserializer(bytes);
    int fileVersion = in.readInt();
    byte[] file = new byte[in.readInt()];
    in.readFully(file);
    FileSourceSplit f = FileSourceSplitSerializer.INSTANCE.deserialize(fileVersion, file);
    VideoChunk c = new VideoChunk(in.readInt(), in.readInt(), in.readLong(), in.readLong(),
        in.readLong(), in.readLong());
    return new VideoChunkSplit(f.path(), f.fileModificationTime(), f.fileSize(), c,
        f.getReaderPosition().orElse(null));
  }
}
