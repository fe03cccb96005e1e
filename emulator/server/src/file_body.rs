//! Bodies to and from files of the data directory, a chunk at a time: an
//! object of any size costs a chunk of memory, not its size.

use std::io::SeekFrom;
use std::path::Path;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use emulator_generated::runtime::ByteStream;
use http_body::{Body, Frame};
use http_body_util::BodyExt as _;
use md5::{Digest, Md5};
use tokio::io::{AsyncRead, AsyncSeekExt as _, AsyncWriteExt as _, ReadBuf};

/// How much of a file one frame carries.
const CHUNK: usize = 64 << 10;

/// What [`write`] wrote: its length, its MD5, and the trailers after it.
pub struct Written {
    pub len: u64,
    pub md5: [u8; 16],
    pub trailers: Option<http::HeaderMap>,
}

/// Why [`write`] failed: the body (the client's), or the disk (ours).
pub enum WriteError {
    Body(emulator_generated::runtime::http::BoxError),
    Disk(std::io::Error),
}

/// Writes `body` to a new file at `path`, synced before it returns.
pub async fn write(mut body: ByteStream, path: &Path) -> Result<Written, WriteError> {
    let mut file = tokio::fs::File::create(path).await.map_err(WriteError::Disk)?;
    let (mut md5, mut len, mut trailers) = (Md5::new(), 0u64, None);
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(WriteError::Body)?;
        match frame.into_data() {
            Ok(data) => {
                md5.update(&data);
                len += data.len() as u64;
                file.write_all(&data).await.map_err(WriteError::Disk)?;
            }
            Err(frame) => {
                if let Ok(received) = frame.into_trailers() {
                    trailers = Some(received);
                }
            }
        }
    }
    file.sync_all().await.map_err(WriteError::Disk)?;
    Ok(Written { len, md5: md5.finalize().into(), trailers })
}

/// `len` bytes of a file from `start`, as a body.
pub struct FileBody {
    file: tokio::fs::File,
    left: u64,
    buffer: Vec<u8>,
}

impl FileBody {
    pub async fn open(path: &Path, start: u64, len: u64) -> std::io::Result<FileBody> {
        let mut file = tokio::fs::File::open(path).await?;
        file.seek(SeekFrom::Start(start)).await?;
        Ok(FileBody { file, left: len, buffer: vec![0; CHUNK.min(usize::try_from(len).unwrap_or(CHUNK))] })
    }
}

impl Body for FileBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        let this = &mut *self;
        if this.left == 0 {
            return Poll::Ready(None);
        }
        let want = usize::try_from(this.left).unwrap_or(usize::MAX).min(this.buffer.len());
        let mut read = ReadBuf::new(&mut this.buffer[..want]);
        match Pin::new(&mut this.file).poll_read(cx, &mut read) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(e)) => Poll::Ready(Some(Err(e))),
            Poll::Ready(Ok(())) => {
                let filled = read.filled();
                if filled.is_empty() {
                    // The file is shorter than its record says.
                    return Poll::Ready(Some(Err(std::io::ErrorKind::UnexpectedEof.into())));
                }
                this.left -= filled.len() as u64;
                Poll::Ready(Some(Ok(Frame::data(Bytes::copy_from_slice(filled)))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.left == 0
    }

    fn size_hint(&self) -> http_body::SizeHint {
        http_body::SizeHint::with_exact(self.left)
    }
}
