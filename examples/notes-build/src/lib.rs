//! The Notes service of `examples/notes/specs`, generated into `OUT_DIR` by
//! this crate's build script rather than checked in as
//! `examples/notes/generated` is; the same model, the same code.
//!
//! [`Notebook`] keeps notes in memory; `NotesRouter::new(Notebook::default())`
//! serves them.

// The generated code: `runtime` and the `notes` module, at the crate's root.
include!(concat!(env!("OUT_DIR"), "/awsgen.rs"));

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};

use notes::operation::get_note::{GetNoteError, GetNoteInput, GetNoteOutput};
use notes::operation::put_note::{PutNoteError, PutNoteInput, PutNoteOutput};
use notes::types::Note;
use runtime::Timestamp;
use runtime::context::RequestContext;

/// Notes by id, in memory. `ListNotes` and `DeleteNote` are left to the
/// trait's defaults, which answer `NotImplemented`.
#[derive(Default)]
pub struct Notebook {
    notes: Mutex<BTreeMap<String, Note>>,
}

impl notes::service::Notes for Notebook {
    async fn put_note(&self, _context: &RequestContext, input: PutNoteInput) -> Result<PutNoteOutput, PutNoteError> {
        let note = Note {
            id: input.id,
            text: input.text,
            priority: input.priority,
            tags: input.tags,
            updated: Timestamp::UNIX_EPOCH,
        };
        self.notes.lock().unwrap_or_else(PoisonError::into_inner).insert(note.id.clone(), note.clone());
        Ok(PutNoteOutput { note })
    }

    async fn get_note(&self, _context: &RequestContext, input: GetNoteInput) -> Result<GetNoteOutput, GetNoteError> {
        match self.notes.lock().unwrap_or_else(PoisonError::into_inner).get(&input.id) {
            Some(note) => Ok(GetNoteOutput { note: note.clone() }),
            None => Err(notes::error::NoteNotFound { message: format!("no note has the id {}", input.id) }.into()),
        }
    }
}
