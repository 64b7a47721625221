// Mail stores.
