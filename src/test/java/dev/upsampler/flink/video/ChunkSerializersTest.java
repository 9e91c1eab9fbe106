package dev.upsampler.flink.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.upsampler.flink.VideoSink;
import dev.upsampler.flink.VideoSinkSerializers;
import dev.upsampler.io.chunks.VideoChunk;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.core.fs.Path;
import org.junit.jupiter.api.Test;

/** What checkpoints keep of chunks, segments and joins comes back as it went in. */
class ChunkSerializersTest {

  @Test
  void aChunkSplitKeepsItsFileItsRangeAndItsPosition() throws Exception {
    VideoChunk c = new VideoChunk(2, 5, 20_000_000, 30_000_000, 1_234_567, 250);
    VideoChunkSplit split = new VideoChunkSplit(new Path("s3://bucket/in/clip.mp4"), 42, 9_999,
        c, new CheckpointedPosition(CheckpointedPosition.NO_OFFSET, 1));
    VideoChunkSplitSerializer ser = new VideoChunkSplitSerializer();
    VideoChunkSplit back = ser.deserialize(ser.getVersion(), ser.serialize(split));
    assertEquals(split.splitId(), back.splitId());
    assertEquals(split.path(), back.path());
    assertEquals(42, back.fileModificationTime());
    assertEquals(9_999, back.fileSize());
    assertEquals(c, back.chunk());
    assertEquals(1, back.getReaderPosition().orElseThrow().getRecordsAfterOffset());
    VideoChunkSplit first = new VideoChunkSplit(new Path("/v.mkv"), 1, 2, VideoChunk.whole(-1),
        null);
    assertEquals(first.chunk(), ser.deserialize(1, ser.serialize(first)).chunk());
  }

  @Test
  void aSegmentKeepsEveryFieldAndAMissingError() throws Exception {
    ChunkSegment s = new ChunkSegment();
    s.stream = "clip";
    s.target = "s3://bucket/out/clip-x2.mp4";
    s.segmentDir = "s3://bucket/scratch/.clip-x2.mp4-1a2b.segments";
    s.origin = "s3://bucket/in/clip.mp4";
    s.container = "mp4";
    s.index = 3;
    s.count = 7;
    s.frames = 240;
    s.expectedFrames = 250;
    s.decodeErrors = 10;
    s.millis = 1234;
    ChunkSegmentSerializer ser = new ChunkSegmentSerializer();
    ChunkSegment back = ser.deserialize(1, ser.serialize(s));
    assertEquals(s.target, back.target);
    assertEquals(s.segmentDir, back.segmentDir);
    assertEquals(s.origin, back.origin);
    assertEquals(3, back.index);
    assertEquals(7, back.count);
    assertEquals(10, back.missingFrames());
    assertNull(back.error);
    s.error = "clip.mp4: no frame of chunk 4/7 could be decoded";
    assertEquals(s.error, ser.deserialize(1, ser.serialize(s)).error);
  }

  @Test
  void aJoinKeepsTheChunksItStepsOver() throws Exception {
    VideoSink.Join j = VideoSink.Join.whole(new Path("/out/v.mp4"), new Path("/work/.v"), "mp4",
        "/in/v.mp4", 5, 1000, new int[] {2, 4});
    VideoSinkSerializers.Joins ser = new VideoSinkSerializers.Joins();
    VideoSink.Join back = ser.deserialize(ser.getVersion(), ser.serialize(j));
    assertEquals(ser.serialize(j).length, ser.serialize(back).length);
    assertEquals(java.util.Arrays.toString(new int[] {2, 4}),
        java.util.Arrays.toString(back.missing()));
  }
}
