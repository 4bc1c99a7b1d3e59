"""The one exception a bad file raises: its message names the row and field and is shown as is."""


class ImportFileError(ValueError):
    pass
