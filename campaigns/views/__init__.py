"""The campaign's pages: programme_* and training_* modules (phases, publicity, training), enforcement modules beside them."""
