//! Shared state registered on the `App` and extracted with `State<T>`.
//! CONTRACT SKELETON (owned by the DSL engineer).

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::Arc;

/// A type map of the values an app registered with `App::state`.
#[derive(Clone, Default)]
pub struct States {
    values: HashMap<TypeId, Arc<dyn Any + Send + Sync>>,
}

impl States {
    /// Registers `value`, replacing an earlier value of the same type.
    pub fn insert<T: Send + Sync + 'static>(&mut self, value: T) {
        self.values.insert(TypeId::of::<T>(), Arc::new(value));
    }

    /// Registers an already shared value under its type (plugin values' state).
    pub(crate) fn insert_shared(&mut self, type_id: TypeId, value: Arc<dyn Any + Send + Sync>) {
        self.values.insert(type_id, value);
    }

    /// Adds every value of `other`, replacing values of the same types.
    pub(crate) fn extend_from(&mut self, other: &States) {
        self.values
            .extend(other.values.iter().map(|(k, v)| (*k, Arc::clone(v))));
    }

    /// The value of type `T`, if one was registered.
    pub fn get<T: Send + Sync + 'static>(&self) -> Option<Arc<T>> {
        self.values
            .get(&TypeId::of::<T>())
            .cloned()
            .and_then(|v| v.downcast::<T>().ok())
    }
}

impl std::fmt::Debug for States {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("States")
            .field("len", &self.values.len())
            .finish()
    }
}
