print("suiji")
