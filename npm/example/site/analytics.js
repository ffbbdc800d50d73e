// the shop's own script
