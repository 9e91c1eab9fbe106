package dev.upsampler.flink.video;

import java.io.IOException;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/** Finished chunks in the {@link SegmentJoinSink}'s checkpointed state. */
final class ChunkSegmentSerializer implements SimpleVersionedSerializer<ChunkSegment> {
  @Override
  public int getVersion() {
    return 1;
  }

  @Override
  public byte[] serialize(ChunkSegment s) throws IOException {
    DataOutputSerializer out = new DataOutputSerializer(256);
    out.writeUTF(s.stream);
    out.writeUTF(s.target);
    out.writeUTF(s.segmentDir);
    out.writeUTF(s.origin);
    out.writeUTF(s.container);
    out.writeInt(s.index);
    out.writeInt(s.count);
    out.writeLong(s.frames);
    out.writeLong(s.expectedFrames);
    out.writeLong(s.decodeErrors);
    writeNullable(out, s.error);
    out.writeLong(s.millis);
    return out.getCopyOfBuffer();
  }

  @Override
  public ChunkSegment deserialize(int version, byte[] bytes) throws IOException {
    if (version != 1) {
      throw new IOException("unknown chunk segment version " + version);
    }
    DataInputDeserializer in = new DataInputDeserializer(bytes);
    ChunkSegment s = new ChunkSegment();
    s.stream = in.readUTF();
    s.target = in.readUTF();
    s.segmentDir = in.readUTF();
    s.origin = in.readUTF();
    s.container = in.readUTF();
    s.index = in.readInt();
    s.count = in.readInt();
    s.frames = in.readLong();
    s.expectedFrames = in.readLong();
    s.decodeErrors = in.readLong();
    s.error = readNullable(in);
    s.millis = in.readLong();
    return s;
  }

  private static void writeNullable(DataOutputView out, String s) throws IOException {
    out.writeBoolean(s != null);
    if (s != null) {
      out.writeUTF(s);
    }
  }

  private static String readNullable(DataInputView in) throws IOException {
    return in.readBoolean() ? in.readUTF() : null;
  }
}
