// Loading and validating job files lives here (see JobSpec issue).
