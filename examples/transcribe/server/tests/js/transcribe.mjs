// Streams audio to transcribe-server with AWS's JavaScript SDK v3 and prints
// what came back as one JSON line.
// Usage: node transcribe.mjs ENDPOINT_URL KEY_ID SECRET CHUNKS
import { StartStreamTranscriptionCommand, TranscribeStreamingClient } from "@aws-sdk/client-transcribe-streaming";

const [endpoint, accessKeyId, secretAccessKey, chunks] = process.argv.slice(2);
const client = new TranscribeStreamingClient({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId, secretAccessKey },
  maxAttempts: 1,
});

// 100 ms of 16 kHz, 16-bit PCM per chunk.
async function* audio() {
  for (let i = 0; i < Number(chunks); i++) {
    yield { AudioEvent: { AudioChunk: new Uint8Array(3200).fill(i) } };
  }
}

try {
  const response = await client.send(
    new StartStreamTranscriptionCommand({
      LanguageCode: "en-US",
      MediaEncoding: "pcm",
      MediaSampleRateHertz: 16000,
      SessionId: "0b3e4a6c-5c2d-4d3e-9f1a-2b3c4d5e6f70",
      AudioStream: audio(),
    }),
  );
  const results = [];
  for await (const event of response.TranscriptResultStream) {
    for (const result of event.TranscriptEvent?.Transcript?.Results ?? []) {
      results.push({ id: result.ResultId, partial: result.IsPartial, text: result.Alternatives[0].Transcript });
    }
  }
  console.log(JSON.stringify({ sessionId: response.SessionId, rate: response.MediaSampleRateHertz, results }));
} catch (error) {
  console.log(JSON.stringify({ error: error.name, message: error.message, status: error.$metadata?.httpStatusCode }));
}
client.destroy();
