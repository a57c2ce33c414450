"""Device lifecycle: Tech Bar issue and return, lost and stolen reports, custody history."""
