"""The pages' sections: one package per page (its file name with _ for -), one module per section; pages/<page>.py calls them in screen order."""
