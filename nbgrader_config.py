# nbgrader and the nbgrader JupyterLab extensions read this file from the folder they run in.
# The ChipLab course configuration lives in autograder/nbgrader_config.py.
c = get_config()  # noqa: F821
load_subconfig("autograder/nbgrader_config.py")  # noqa: F821
